package browsertest_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gapmap/app/config"
	"gapmap/app/demo"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/app/web"
	"gapmap/questionnaires"
)

// The helpers of this file carry an rpt prefix, so that they never clash
// with those of the other browser tests of this package.

const rptChromium = "/usr/bin/chromium"

// rptBrowser starts headless Debian chromium, or skips the test when it is
// not installed (and fails under CI, where it must be).
func rptBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(rptChromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required under CI: apt-get install -y chromium", rptChromium)
		}
		t.Skipf("browser test skipped: %s not found (apt-get install -y chromium)", rptChromium)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(rptChromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first run starts the browser: no timeout on it.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// rptServe serves gapmap on a loopback port and returns its base URL.
func rptServe(t *testing.T, st *store.Store, shipped []*questionnaires.Questionnaire) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg := config.Flags(fs, func(string) string { return "" })
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	cfg.Addr, cfg.BaseURL = ln.Addr().String(), base
	if err := cfg.Finish(); err != nil {
		t.Fatalf("config: %v", err)
	}
	srv, err := web.New(web.Deps{Store: st, Config: *cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Questionnaires: shipped})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	})
	return base
}

// rptOutDir is where the printed PDFs stay after the test: report/ under
// $GAPMAP_TEST_OUT, else testdata-out/report at the repository root
// (git-ignored).
func rptOutDir(t *testing.T) string {
	t.Helper()
	root := os.Getenv("GAPMAP_TEST_OUT")
	if root == "" {
		root = filepath.Join("..", "..", "..", "testdata-out")
	}
	dir, err := filepath.Abs(filepath.Join(root, "report"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// rptWaitCharts waits until every chart container of the page holds a
// drawn canvas and returns how many there are.
func rptWaitCharts(ctx context.Context) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Poll[int](`(() => {
		const boxes = [...document.querySelectorAll('[data-chart]')];
		const drawn = boxes.filter(b => { const c = b.querySelector('canvas'); return c && c.width > 0 && c.height > 0; });
		return boxes.length > 0 && drawn.length === boxes.length ? boxes.length : null;
	})()`, chromedp.WithPollingInterval(100*time.Millisecond)))
}

// rptPageMargin is the left and right margin of static/css/report.css's
// @page rule, in inches.
const rptPageMargin = 14 / 25.4

// rptPrint lays the page out as the browser's print preview does (print
// media at the width of the paper's printable area), lets the charts redraw
// at that width, and prints it on the paper.
func rptPrint(ctx context.Context, paper chromedp.PaperSize) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	width := int64((paper.Width - 2*rptPageMargin) * 96)
	err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
			return err
		}),
		chromedp.EmulateViewport(width, int64(paper.Height*96)),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("emulate print media: %w", err)
	}
	// charts.js resizes every chart when the print media query starts to
	// match; wait until no canvas is wider than its container.
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`(() => {
		const boxes = [...document.querySelectorAll('[data-chart]')];
		return boxes.every(b => { const c = b.querySelector('canvas'); return c && c.getBoundingClientRect().width <= b.getBoundingClientRect().width + 1; }) || null;
	})()`, chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil {
		return nil, fmt.Errorf("charts at print width: %w", err)
	}
	// Let charts.js's debounced resize (150 ms after the viewport change)
	// run, then paint every chart now: ECharts paints on the next animation
	// frame, and the PDF must not catch a cleared canvas.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(resolve => setTimeout(() => {
		document.querySelectorAll('[data-chart]').forEach(el => {
			const chart = window.echarts && window.echarts.getInstanceByDom(el);
			if (chart) { chart.getZr().refreshImmediately(); }
		});
		requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
	}, 400))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("paint the charts: %w", err)
	}
	return chromedp.Run(ctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(paper),
		chromedp.PDFPrintBackground(),
		chromedp.PDFPreferCSSPageSize(),
		func(p *page.PrintToPDFParams) {
			p.MarginTop, p.MarginBottom, p.MarginLeft, p.MarginRight = nil, nil, nil, nil
		},
	))
}

// rptPDFText extracts the text of a PDF with pdftotext (Debian
// poppler-utils), with whitespace collapsed; ok is false without pdftotext.
func rptPDFText(t *testing.T, path string) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return "", false
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return rptNormalize(string(out)), true
}

// rptPDFPages counts the pages of a PDF with pdfinfo, or returns 0.
func rptPDFPages(t *testing.T, path string) int {
	t.Helper()
	bin, err := exec.LookPath("pdfinfo")
	if err != nil {
		return 0
	}
	out, err := exec.Command(bin, path).Output()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v", path, err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// rptPDFImages counts the images of a PDF with pdfimages, or returns -1.
func rptPDFImages(t *testing.T, path string) int {
	t.Helper()
	bin, err := exec.LookPath("pdfimages")
	if err != nil {
		return -1
	}
	out, err := exec.Command(bin, "-list", path).Output()
	if err != nil {
		t.Fatalf("pdfimages %s: %v", path, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return max(0, len(lines)-2) // two header lines
}

func rptNormalize(s string) string {
	s = strings.NewReplacer("ﬁ", "fi", "ﬂ", "fl", "ﬀ", "ff", "ﬃ", "ffi", "ﬄ", "ffl", "\u00ad", "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// TestReportPrintsToPDF seeds the demo organization, logs in, opens the
// report of its latest round and of one team, prints them to PDF on A4 and
// Letter, and reads the PDFs back: the summary, every dimension section,
// the team breakdown and the method must be there, with the charts printed.
func TestReportPrintsToPDF(t *testing.T) {
	browser := rptBrowser(t)
	ctx := context.Background()
	shipped, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.SQLite(t)
	cred, err := demo.Seed(ctx, st, shipped)
	if err != nil {
		t.Fatalf("demo.Seed: %v", err)
	}
	rounds, err := st.Assessments(ctx, cred.OrgID) // newest first
	if err != nil || len(rounds) == 0 {
		t.Fatalf("demo rounds: %v, %d", err, len(rounds))
	}
	latest := rounds[0]
	info, err := st.Assessment(ctx, cred.OrgID, latest.ID)
	if err != nil || len(info.Teams) == 0 {
		t.Fatalf("demo round: %v", err)
	}
	base := rptServe(t, st, shipped)

	step, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(step,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), cred.Email),
		chromedp.SendKeys(chromedp.ID("password"), cred.Password),
	); err != nil {
		t.Fatalf("open the login page: %v", err)
	}
	if _, err := chromedp.Run(step, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Submit(chromedp.ID("email")))); err != nil {
		t.Fatalf("log in: %v", err)
	}

	var dims []string
	for _, q := range shipped {
		for _, d := range q.Dimensions {
			dims = append(dims, d.Title)
		}
	}
	out := rptOutDir(t)
	for _, tc := range []struct {
		name, path string
		want       []string
		minCharts  int
	}{
		{
			name: "organization",
			path: fmt.Sprintf("/assessments/%d/report", latest.ID),
			want: append([]string{"Platform maturity report: " + latest.Name, demo.OrgName, "Executive summary", "Largest gaps", "First steps",
				"Confidence", "Charts", "Roadmap", "Where the organization is:", "What the next level looks like:", "Spread across teams:",
				"Team breakdown", "Method", "Content hash (SHA-256)", "Weights and targets", "Page 1 of"}, dims...),
			minCharts: 8,
		},
		{
			name: "team",
			path: fmt.Sprintf("/assessments/%d/teams/%d/report", latest.ID, info.Teams[0].ID),
			want: append([]string{"Platform maturity report: " + latest.Name + " — " + info.Teams[0].Name, "Executive summary",
				"Confidence", "Where the team is:", "Spread within the team:", "Team breakdown", "Method"}, dims...),
			minCharts: 4,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each report in its own tab of the logged-in browser.
			tab, closeTab := chromedp.NewContext(browser)
			defer closeTab()
			step, cancel := context.WithTimeout(tab, 60*time.Second)
			defer cancel()
			if err := chromedp.Do(step, chromedp.Navigate(base+tc.path)); err != nil {
				t.Fatalf("open %s: %v", tc.path, err)
			}
			loc, err := chromedp.Run(step, chromedp.Location())
			if err != nil || !strings.HasSuffix(loc, tc.path) {
				t.Fatalf("opened %q (%v), want %s: not logged in?", loc, err, tc.path)
			}
			n, err := rptWaitCharts(step)
			if err != nil {
				t.Fatalf("charts not drawn: %v", err)
			}
			if n < tc.minCharts {
				t.Errorf("%d charts, want at least %d", n, tc.minCharts)
			}
			html, err := chromedp.Run(step, chromedp.Evaluate[string](`document.body.innerText`))
			if err != nil {
				t.Fatal(err)
			}
			if png, err := chromedp.Run(step, chromedp.CaptureScreenshot()); err != nil {
				t.Errorf("screenshot: %v", err)
			} else {
				path := filepath.Join(out, "report-"+tc.name+"-screen.png")
				if err := os.WriteFile(path, png, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("screen: %s", path)
			}
			for _, paper := range []struct {
				name string
				size chromedp.PaperSize
			}{{"a4", chromedp.PaperA4}, {"letter", chromedp.PaperLetter}} {
				pdf, err := rptPrint(step, paper.size)
				if err != nil {
					t.Fatalf("print to PDF on %s: %v", paper.name, err)
				}
				path := filepath.Join(out, fmt.Sprintf("report-%s-%s.pdf", tc.name, paper.name))
				if err := os.WriteFile(path, pdf, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("printed %s report on %s: %s (%d bytes)", tc.name, paper.name, path, len(pdf))
				if !strings.HasPrefix(string(pdf), "%PDF-") {
					t.Fatalf("%s is not a PDF", path)
				}
				text, ok := rptPDFText(t, path)
				if !ok {
					t.Logf("pdftotext not found (apt-get install -y poppler-utils): checking the page text instead of the PDF")
					text = rptNormalize(html)
				}
				for _, want := range tc.want {
					if want == "Page 1 of" && !ok {
						continue
					}
					if !strings.Contains(text, rptNormalize(want)) {
						t.Errorf("%s: no %q in the printed report", paper.name, want)
					}
				}
				for _, leak := range []string{"Log out", "Save as image", "Download Markdown", "Data table"} {
					if ok && strings.Contains(text, leak) {
						t.Errorf("%s: the printed report shows %q (navigation or screen-only controls)", paper.name, leak)
					}
				}
				if pages := rptPDFPages(t, path); pages != 0 && pages < 4 {
					t.Errorf("%s: %d pages, want the summary, charts, dimensions, breakdown and method on separate pages", paper.name, pages)
				}
				if images := rptPDFImages(t, path); images >= 0 && images < n {
					t.Errorf("%s: %d images in the PDF for %d charts: charts not printed", paper.name, images, n)
				}
			}
		})
	}
	if t.Failed() {
		return
	}
	var pathErr *os.PathError
	if _, err := os.Stat(filepath.Join(out, "report-organization-a4.pdf")); errors.As(err, &pathErr) {
		t.Errorf("the PDF was not kept: %v", err)
	}
}
