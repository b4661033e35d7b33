package browsertest_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"gapmap/app/config"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/app/web"
	"gapmap/questionnaires"
)

// Shared helpers of the browser tests: a gapmap server on 127.0.0.1, a
// headless chromium that records console errors, requests and dialogs, a
// login through the form, chart checks, axe-core and screenshots. Names
// start with "bt" so that other files of this package can add their own.

// btChromium is where Debian's chromium package installs the browser.
const btChromium = "/usr/bin/chromium"

//go:embed testdata/axe.min.js
var btAxeSource string

// Time limits. Every browser action runs under a deadline, and a whole
// browser test under btTestLimit: it passes, or it fails with a message that
// names the step, within that time.
const (
	btTestLimit  = 3 * time.Minute  // one browser test, from chromium's start
	btStartLimit = time.Minute      // chromium's start, or a new tab's
	btStepLimit  = time.Minute      // one step
	btGrace      = 10 * time.Second // how long a step may overrun its deadline
)

// errBtTestLimit is the cause of the end of a browser test's context.
var errBtTestLimit = fmt.Errorf("the browser test ran out of its %v", btTestLimit)

// btServer is gapmap serving a temporary SQLite database on 127.0.0.1.
type btServer struct {
	URL     string
	Store   *store.Store
	Shipped []*questionnaires.Questionnaire
}

// btStartServer starts gapmap on a free port of 127.0.0.1 with a fresh
// migrated SQLite database, and stops it when the test ends.
func btStartServer(t *testing.T) *btServer {
	t.Helper()
	return btStartServerWith(t, nil)
}

// btStartServerWith is btStartServer with configure applied to the server
// before it serves (test hooks such as SetMeasured); nil changes nothing.
func btStartServerWith(t *testing.T, configure func(*web.Server)) *btServer {
	t.Helper()
	st := storetest.SQLite(t)
	st.PasswordCost = 4
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("browsertest", flag.ContinueOnError)
	cfg := config.Flags(fs, func(string) string { return "" })
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	cfg.Addr, cfg.BaseURL = ln.Addr().String(), "http://"+ln.Addr().String()
	cfg.Database = filepath.Join(t.TempDir(), "unused.db")
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	shipped, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Deps{Store: st, Config: *cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Questionnaires: shipped})
	if err != nil {
		t.Fatal(err)
	}
	if configure != nil {
		configure(srv)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Errorf("the test server did not stop within 15 s")
		}
	})
	return &btServer{URL: cfg.BaseURL, Store: st, Shipped: shipped}
}

// btBrowser is one headless chromium tab that records what the page does.
type btBrowser struct {
	t   *testing.T
	ctx context.Context // the tab's; it ends at the test's time limit

	mu       sync.Mutex
	errors   []string // console errors, uncaught exceptions, browser log errors
	requests []string // every URL the page requested
	dialogs  []string // JavaScript dialogs that opened

	outT   *testing.T // the test that outDir belongs to
	outDir string
}

// btStartBrowser starts chromium, or skips the test when it is not
// installed (fails under CI, where the browser tests must run). The browser
// lives at most btTestLimit: every later step fails when that time is over.
func btStartBrowser(t *testing.T) *btBrowser {
	t.Helper()
	if _, err := os.Stat(btChromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium is required under CI: %s: %v (apt-get install -y chromium)", btChromium, err)
		}
		t.Skipf("browser tests skipped: no chromium at %s (apt-get install -y chromium)", btChromium)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(btChromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1280, 1000),
	)
	testCtx, cancelTest := context.WithTimeoutCause(context.Background(), btTestLimit, errBtTestLimit)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(testCtx, opts...)
	b := &btBrowser{t: t}
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(b.record))
	b.ctx = ctx
	t.Cleanup(func() {
		btStop(t, "chromium", func() {
			cancel()
			cancelAlloc()
		})
		cancelTest()
	})
	b.open("start chromium", cancelTest)
	return b
}

// newTab opens another tab of b's browser for the test t; it closes when t
// ends.
func (b *btBrowser) newTab(t *testing.T) *btBrowser {
	t.Helper()
	tab := &btBrowser{t: t}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithListener(tab.record))
	tab.ctx = ctx
	t.Cleanup(func() { btStop(t, "the tab", cancel) })
	tab.open("open a tab", cancel)
	return tab
}

// open makes the first run on b.ctx, which starts the browser or creates
// the tab. That run binds the life of the browser (or tab) to the context
// it is given, so it cannot get a context with a shorter deadline: it runs
// on b.ctx, and a timer bounds the wait; when it fires, abort ends the
// browser (or tab) and the test fails.
func (b *btBrowser) open(what string, abort func()) {
	b.t.Helper()
	_, err := btWithin(context.Background(), btStartLimit, func(context.Context) (chromedp.Void, error) {
		return chromedp.Void{}, chromedp.Do(b.ctx)
	})
	if err != nil {
		abort()
		b.t.Fatalf("%s: %v", what, err)
	}
	// Charts draw without animation, so a drawn canvas is a finished one.
	b.run("emulate reduced motion", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		})
		return err
	}))
}

// btStop runs stop (a chromedp cancel, which waits for the browser or tab to
// close) and gives up waiting after 30 s.
func btStop(t *testing.T, what string, stop func()) {
	done := make(chan struct{})
	go func() {
		stop()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Logf("%s did not close within 30 s", what)
	}
}

// btWithin runs fn with a context that ends after limit (or earlier with
// parent), and waits for it at most btGrace longer: chromedp's waits end
// with their context, and should one not, the test still ends.
func btWithin[T any](parent context.Context, limit time.Duration, fn func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(parent, limit)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn(ctx)
		done <- result{v, err}
	}()
	timer := time.NewTimer(limit + btGrace)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.v, r.err
	case <-timer.C:
		var zero T
		return zero, fmt.Errorf("no answer within %v", limit+btGrace)
	}
}

// record runs in the tab's event loop: it must return fast and send no command.
func (b *btBrowser) record(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			b.errors = append(b.errors, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		b.errors = append(b.errors, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError {
			b.errors = append(b.errors, fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL)
	case *page.EventJavascriptDialogOpening:
		b.dialogs = append(b.dialogs, string(ev.Type)+": "+ev.Message)
		// An open dialog blocks the page: dismiss it (from another
		// goroutine, as this one must send no command), within a deadline.
		go func() {
			ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
			defer cancel()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}()
	}
}

// btRecorded is what the page did since the last reset.
type btRecorded struct {
	Errors, Requests, Dialogs []string
}

// take returns and clears what was recorded.
func (b *btBrowser) take() btRecorded {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := btRecorded{Errors: b.errors, Requests: b.requests, Dialogs: b.dialogs}
	b.errors, b.requests, b.dialogs = nil, nil, nil
	return r
}

// btGet runs one action as the step what, with a deadline, and returns its
// value; on error it fails the test, naming the step.
func btGet[T any](b *btBrowser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := btWithin(b.ctx, btStepLimit, func(ctx context.Context) (T, error) { return chromedp.Run(ctx, a) })
	if err != nil {
		b.fail(what, err)
	}
	return v
}

// run runs actions in order as the step what, with a deadline, failing the
// test on error.
func (b *btBrowser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	btGet(b, what, chromedp.Steps(actions...))
}

// fail ends the test with what went wrong in which step, where the page
// was, and a screenshot of it (both within a short deadline).
func (b *btBrowser) fail(what string, err error) {
	b.t.Helper()
	msg := fmt.Sprintf("%s: %v", what, err)
	if cause := context.Cause(b.ctx); cause != nil {
		b.t.Fatalf("%s (%v)", msg, cause)
	}
	if loc, err := btWithin(b.ctx, 5*time.Second, func(ctx context.Context) (string, error) {
		return chromedp.Run(ctx, chromedp.Location())
	}); err == nil {
		msg += " (at " + loc + ")"
	}
	if png, err := btWithin(b.ctx, 10*time.Second, func(ctx context.Context) ([]byte, error) {
		return chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}); err == nil {
		path := filepath.Join(b.artifacts(), "failure.png")
		if os.WriteFile(path, png, 0o644) == nil {
			msg += "; screenshot: " + path
			if os.Getenv("GAPMAP_TEST_ARTIFACTS") == "" {
				msg += " (removed after the test: set GAPMAP_TEST_ARTIFACTS=DIR to keep it)"
			}
		}
	}
	b.t.Fatal(msg)
}

// btEval evaluates a script (awaiting a promise it returns) and decodes the result.
func btEval[T any](b *btBrowser, script string) T {
	b.t.Helper()
	return btGet(b, fmt.Sprintf("evaluate %.60q", script),
		chromedp.Evaluate[T](script, func(p *runtime.EvaluateParams) { p.AwaitPromise = ptr(true) }))
}

func ptr[T any](v T) *T { return &v }

// navigate opens a page and fails unless it answers 200.
func (b *btBrowser) navigate(u string) {
	b.t.Helper()
	resp := btGet(b, "open "+u, chromedp.NavigateResponse(u))
	if resp == nil || resp.Status != 200 {
		status := int64(0)
		if resp != nil {
			status = resp.Status
		}
		b.t.Fatalf("open %s: status %d", u, status)
	}
}

// login logs in through the login form and waits for the page it leads to.
func (b *btBrowser) login(base, email, password string) {
	b.t.Helper()
	b.navigate(base + "/login?next=/dashboard")
	b.run("fill the login form",
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
	)
	resp, err := btWithin(b.ctx, btStepLimit, func(ctx context.Context) (*network.Response, error) {
		return chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	})
	if err != nil {
		b.fail("submit the login form", err)
	}
	loc := btGet(b, "read the location after login", chromedp.Location())
	if resp == nil || resp.Status != 200 || !strings.HasSuffix(loc, "/dashboard") {
		status := int64(0)
		if resp != nil {
			status = resp.Status
		}
		b.t.Fatalf("login as %s ended at %s with status %d", email, loc, status)
	}
}

// btChartState is what one chart container holds after drawing.
type btChartState struct {
	ID     string   `json:"id"`
	Width  int      `json:"width"`  // canvas pixels
	Height int      `json:"height"` // canvas pixels
	Ink    int      `json:"ink"`    // sampled pixels that are not transparent
	Series int      `json:"series"` // series in the chart's option
	Cells  int      `json:"cells"`  // heatmap cells whose colour was checked
	Wrong  []string `json:"wrong"`  // heatmap cells not painted in their level's colour
}

// btChartsScript reads every chart container. For a heatmap it also reads
// the pixel inside each cell (beside the label) and compares it with the
// colour of the cell's level in the colour legend.
const btChartsScript = `(() => Array.from(document.querySelectorAll('[data-chart]')).map(el => {
  const c = el.querySelector('canvas');
  const inst = window.echarts && window.echarts.getInstanceByDom(el);
  const opt = inst ? inst.getOption() : {};
  const out = {id: el.id, width: c ? c.width : 0, height: c ? c.height : 0, ink: 0,
    series: (opt.series || []).length, cells: 0, wrong: []};
  if (!c || c.width === 0 || c.height === 0) { return out; }
  const g = c.getContext('2d');
  const d = g.getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < d.length; i += 4 * 13) { if (d[i] !== 0) { out.ink++; } }
  const hm = (opt.series || []).findIndex(s => s.type === 'heatmap');
  if (hm < 0) { return out; }
  const colours = {};
  for (const p of (opt.visualMap && opt.visualMap[0] && opt.visualMap[0].pieces) || []) { colours[p.value] = p.color; }
  const ratio = c.width / el.clientWidth;
  const x0 = inst.convertToPixel({seriesIndex: hm}, [0, 0]);
  const x1 = inst.convertToPixel({seriesIndex: hm}, [1, 0]);
  const cellW = Math.abs(x1[0] - x0[0]) || 40;
  for (const item of opt.series[hm].data) {
    const v = item.value || item;
    const want = colours[v[2]];
    const p = inst.convertToPixel({seriesIndex: hm}, [v[0], v[1]]);
    const px = g.getImageData(Math.round((p[0] - cellW * 0.3) * ratio), Math.round(p[1] * ratio), 1, 1).data;
    const hex = '#' + [px[0], px[1], px[2]].map(n => n.toString(16).padStart(2, '0')).join('');
    const near = want && [1, 3, 5].every((o, i) => Math.abs(parseInt(want.substr(o, 2), 16) - px[i]) <= 12);
    out.cells++;
    if (!near) { out.wrong.push('cell ' + v[0] + ',' + v[1] + ' level ' + v[2] + ': ' + hex + ' not ' + want); }
  }
  return out;
}))()`

// waitCharts waits until every chart container holds a drawn canvas (or
// the time runs out) and returns their states.
func (b *btBrowser) waitCharts() []btChartState {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		states := btEval[[]btChartState](b, btChartsScript)
		ready := true
		for _, s := range states {
			if s.Width == 0 || s.Height == 0 || s.Ink < 50 || s.Series == 0 || len(s.Wrong) > 0 {
				ready = false
			}
		}
		if ready || time.Now().After(deadline) {
			return states
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// btViolation is one axe-core finding.
type btViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axe runs axe-core on the current page and returns its violations.
func (b *btBrowser) axe() []btViolation {
	b.t.Helper()
	if !btEval[bool](b, `typeof window.axe === 'object'`) {
		btEval[bool](b, btAxeSource+"\n;true")
	}
	raw := btEval[string](b, `axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(r.violations.map(v => ({
  id: v.id, impact: v.impact || '', help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\s+/g, ' '))}))))`)
	var out []btViolation
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		b.t.Fatalf("axe results: %v", err)
	}
	return out
}

// checkAxe fails the test for serious and critical violations and logs the others.
func (b *btBrowser) checkAxe(page string) {
	b.t.Helper()
	for _, v := range b.axe() {
		msg := fmt.Sprintf("%s: axe %s (%s): %s at %v", page, v.ID, v.Impact, v.Help, v.Nodes)
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Error(msg)
		} else {
			b.t.Log(msg)
		}
	}
}

// checkQuiet fails the test for console errors, dialogs and requests that
// left 127.0.0.1 since the last check.
func (b *btBrowser) checkQuiet(page string) {
	b.t.Helper()
	rec := b.take()
	for _, e := range rec.Errors {
		b.t.Errorf("%s: %s", page, e)
	}
	for _, d := range rec.Dialogs {
		b.t.Errorf("%s: a dialog opened: %s", page, d)
	}
	for _, r := range rec.Requests {
		if err := btLocalOnly(r); err != nil {
			b.t.Errorf("%s: %v", page, err)
		}
	}
}

// btLocalOnly accepts the URLs that stay on this machine: 127.0.0.1 over
// http, and in-page data, blob and about URLs.
func btLocalOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("request to an unreadable URL %q", raw)
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return nil
	case "http":
		if u.Hostname() == "127.0.0.1" {
			return nil
		}
	}
	return fmt.Errorf("request left 127.0.0.1: %s", raw)
}

// screenshot saves a full-page PNG as test output and returns its path.
func (b *btBrowser) screenshot(name string) string {
	b.t.Helper()
	png := btGet(b, "screenshot "+name, chromedp.FullScreenshot(100))
	path := filepath.Join(b.artifacts(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return path
}

// screenshotCharts saves each chart container of the page as its own PNG.
func (b *btBrowser) screenshotCharts(prefix string, states []btChartState) {
	b.t.Helper()
	for _, s := range states {
		png := btGet(b, "screenshot of chart "+s.ID, chromedp.Screenshot(chromedp.ID(s.ID)))
		if err := os.WriteFile(filepath.Join(b.artifacts(), prefix+"-"+s.ID+".png"), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}

// artifacts is the directory for the screenshots of b's current test.
func (b *btBrowser) artifacts() string {
	b.t.Helper()
	if b.outT != b.t {
		b.outT, b.outDir = b.t, btArtifacts(b.t, "browser")
	}
	return b.outDir
}

// btArtifacts is a directory for what a test writes (screenshots, PDFs):
// $GAPMAP_TEST_ARTIFACTS/sub when that variable is set, so that the files
// stay after the test; otherwise a temporary directory of the test t.
// Nothing is written into the repository.
func btArtifacts(t *testing.T, sub string) string {
	t.Helper()
	root := os.Getenv("GAPMAP_TEST_ARTIFACTS")
	if root == "" {
		return t.TempDir()
	}
	dir, err := filepath.Abs(filepath.Join(root, sub))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// pageSource fetches the HTML of the current page as the server sent it.
func (b *btBrowser) pageSource() string {
	b.t.Helper()
	return btEval[string](b, `fetch(location.href, {credentials: 'same-origin'}).then(r => r.text())`)
}
