package browsertest_test

import (
	"context"
	"errors"
	"fmt"
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

	"gapmap/app/demo"
)

// The helpers of this file carry an rpt prefix, so that they never clash
// with those of the other browser tests of this package.

// rptChartsDrawn is a poll expression: the number of chart containers once
// every one holds a drawn canvas, null before.
const rptChartsDrawn = `(() => {
	const boxes = [...document.querySelectorAll('[data-chart]')];
	const drawn = boxes.filter(b => { const c = b.querySelector('canvas'); return c && c.width > 0 && c.height > 0; });
	return boxes.length > 0 && drawn.length === boxes.length ? boxes.length : null;
})()`

// rptPageMargin is the left and right margin of static/css/report.css's
// @page rule, in inches.
const rptPageMargin = 14 / 25.4

// rptPrint lays the page out as the browser's print preview does (print
// media at the width of the paper's printable area), lets the charts redraw
// at that width, and prints it on the paper. Each step has its deadline.
func rptPrint(b *btBrowser, name string, paper chromedp.PaperSize) []byte {
	b.t.Helper()
	width := int64((paper.Width - 2*rptPageMargin) * 96)
	media := func(m string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return err
		})
	}
	b.run("emulate print media for "+name, media(""), chromedp.EmulateViewport(width, int64(paper.Height*96)), media("print"))
	// charts.js redraws every chart when the print media query starts to
	// match: wait until each chart has the width of its printed container.
	btGet(b, "charts at the print width of "+name, chromedp.Poll[bool](`(() => {
		const boxes = [...document.querySelectorAll('[data-chart]')];
		return boxes.every(b => {
			const c = b.querySelector('canvas'), inst = window.echarts && window.echarts.getInstanceByDom(b);
			return c && inst && inst.getWidth() === b.clientWidth && c.getBoundingClientRect().width <= b.getBoundingClientRect().width + 1;
		}) || null;
	})()`, chromedp.WithPollingInterval(50*time.Millisecond)))
	// ECharts paints on the next animation frame: paint now, so that the
	// PDF never catches a cleared canvas.
	btGet(b, "paint the charts for "+name, chromedp.Evaluate[bool](`new Promise(resolve => {
		document.querySelectorAll('[data-chart]').forEach(el => {
			const chart = window.echarts && window.echarts.getInstanceByDom(el);
			if (chart) { chart.getZr().refreshImmediately(); }
		});
		requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
	})`, chromedp.EvalAwaitPromise))
	// Every chart, and every text it draws, lies inside the printable width.
	for _, bad := range btEval[[]string](b, fmt.Sprintf("%s(%d)", pgChartFit, width)) {
		b.t.Errorf("printed on %s (%d px wide): %s", name, width, bad)
	}
	if n := btEval[int](b, fmt.Sprintf(`[...document.querySelectorAll('[data-chart]')].filter(el => el.getBoundingClientRect().width > %d).length`, width)); n > 0 {
		b.t.Errorf("printed on %s: %d charts wider than the printable %d px", name, n, width)
	}
	return btGet(b, "print to PDF on "+name, chromedp.PrintToPDF(
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
	browser := btStartBrowser(t)
	ctx := context.Background()
	d := btSeedDemo(t, btStartServer(t))
	latest, base, shipped := d.Latest, d.URL, d.Shipped
	info, err := d.Store.Assessment(ctx, d.OrgID, latest.ID)
	if err != nil || len(info.Teams) == 0 {
		t.Fatalf("demo round: %v", err)
	}
	browser.login(base, demo.Email, demo.Password)

	var dims []string
	for _, q := range shipped {
		for _, d := range q.Dimensions {
			dims = append(dims, d.Title)
		}
	}
	out := btArtifacts(t, "report")
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
			tab := browser.newTab(t)
			tab.navigate(base + tc.path)
			if loc := btGet(tab, "read the location", chromedp.Location()); !strings.HasSuffix(loc, tc.path) {
				t.Fatalf("opened %q, want %s: not logged in?", loc, tc.path)
			}
			n := btGet(tab, "wait for the charts", chromedp.Poll[int](rptChartsDrawn, chromedp.WithPollingInterval(100*time.Millisecond)))
			if n < tc.minCharts {
				t.Errorf("%d charts, want at least %d", n, tc.minCharts)
			}
			html := btGet(tab, "read the page text", chromedp.Evaluate[string](`document.body.innerText`))
			png := btGet(tab, "screenshot", chromedp.CaptureScreenshot())
			path := filepath.Join(out, "report-"+tc.name+"-screen.png")
			if err := os.WriteFile(path, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screen: %s", path)
			for _, paper := range []struct {
				name string
				size chromedp.PaperSize
			}{{"a4", chromedp.PaperA4}, {"letter", chromedp.PaperLetter}} {
				pdf := rptPrint(tab, paper.name, paper.size)
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
