// Package browsertest drives gapmap in a real headless browser (Debian's
// chromium through chromedp): pages are served by a real server on
// 127.0.0.1 with a temporary SQLite database. The tests skip when chromium is
// missing, and fail instead when the environment variable CI is set.
// Screenshots and other test output go to testdata-out/browser at the
// repository root (git-ignored), or to $GAPMAP_TEST_OUT.
package browsertest
