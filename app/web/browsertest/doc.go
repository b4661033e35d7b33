// Package browsertest drives gapmap in a real headless browser (Debian's
// chromium through chromedp): pages are served by a real server on
// 127.0.0.1 with a temporary SQLite database. The tests skip when chromium is
// missing, and fail instead when the environment variable CI is set.
//
// Every browser action runs under a deadline, and each test under a limit
// of 3 minutes: a test passes or fails naming the step, and never hangs.
// Screenshots and PDFs go to a temporary directory of the test, or, when
// GAPMAP_TEST_ARTIFACTS=DIR is set, to DIR/browser and DIR/report, where
// they stay. Nothing is written into the repository.
package browsertest
