package report_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"

	"gapmap/app/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func buildMarkdown(t *testing.T, teamID int64) (*report.Report, []byte) {
	t.Helper()
	f := fixture(t, teamID)
	r, err := report.Build(f.in)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.Markdown(&b, r); err != nil {
		t.Fatal(err)
	}
	return r, b.Bytes()
}

func TestMarkdownGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		teamID int64
	}{
		{"org", 0},
		{"team", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got := buildMarkdown(t, tc.teamID)
			path := filepath.Join("testdata", tc.name+".golden.md")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("markdown differs from %s (run go test ./app/report -update and review the diff):\n%s", path, firstDiff(string(want), string(got)))
			}
		})
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\nwant: " + w + "\n got: " + g
		}
	}
	return ""
}

// parsed is a Markdown document parsed as CommonMark + GFM, and its HTML.
type parsed struct {
	doc    ast.Node
	src    []byte
	tables [][][]string // every table as rows of cell texts, header first
	heads  map[int][]string
}

func parseMarkdown(t *testing.T, src []byte) parsed {
	t.Helper()
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM))
	doc := gm.Parser().Parse(text.NewReader(src))
	var out bytes.Buffer
	if err := gm.Renderer().Render(&out, src, doc); err != nil {
		t.Fatalf("render: %v", err)
	}
	p := parsed{doc: doc, src: src, heads: map[int][]string{}}
	root, err := html.Parse(&out)
	if err != nil {
		t.Fatalf("parse rendered html: %v", err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "table":
				p.tables = append(p.tables, tableCells(n))
				return
			case "h1", "h2", "h3", "h4":
				lvl := int(n.Data[1] - '0')
				p.heads[lvl] = append(p.heads[lvl], textOf(n))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return p
}

func tableCells(tbl *html.Node) [][]string {
	var rows [][]string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "tr" {
			var row []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
					row = append(row, textOf(c))
				}
			}
			rows = append(rows, row)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(tbl)
	return rows
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// TestMarkdownIsValidCommonMark parses the report with a CommonMark + GFM
// parser and checks that the structure is exactly the intended one: no raw
// HTML, every table parses as a table with one cell per column, and the
// hostile team, dimension and question texts come out as literal text.
func TestMarkdownIsValidCommonMark(t *testing.T) {
	for _, teamID := range []int64{0, 1} {
		r, src := buildMarkdown(t, teamID)
		p := parseMarkdown(t, src)

		if err := ast.Walk(p.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n.Kind() {
			case ast.KindHTMLBlock, ast.KindRawHTML, ast.KindAutoLink, ast.KindLink, ast.KindImage:
				t.Errorf("team %d: unexpected %s node at %q", teamID, n.Kind(), lineOf(p.src, n))
			case east.KindTable:
				tbl := n.(*east.Table)
				cols := len(tbl.Alignments)
				for row := n.FirstChild(); row != nil; row = row.NextSibling() {
					if row.ChildCount() != cols {
						t.Errorf("team %d: table row with %d cells for %d columns", teamID, row.ChildCount(), cols)
					}
				}
			}
			return ast.WalkContinue, nil
		}); err != nil {
			t.Fatal(err)
		}

		if got := p.heads[1]; len(got) != 1 || got[0] != r.Title {
			t.Errorf("team %d: h1 = %q, want [%q]", teamID, got, r.Title)
		}
		wantH2 := []string{"Executive summary", "Roadmap"}
		for _, q := range r.Questionnaires {
			wantH2 = append(wantH2, q.Title+": dimensions")
		}
		wantH2 = append(wantH2, "Team breakdown", "Method")
		if !equal(p.heads[2], wantH2) {
			t.Errorf("team %d: h2 = %q, want %q", teamID, p.heads[2], wantH2)
		}
		for _, q := range r.Questionnaires {
			for _, d := range q.Dimensions {
				if !contains(p.heads[3], d.Title) {
					t.Errorf("team %d: no section heading %q in %q", teamID, d.Title, p.heads[3])
				}
			}
		}

		wantTables := 1 + 2 + 2 // overall, method (2) and the breakdown tables (2)
		if len(r.Summary.Gaps) > 0 {
			wantTables++
		}
		for _, ph := range r.Roadmap {
			if len(ph.Items) > 0 {
				wantTables++
			}
		}
		for _, q := range r.Questionnaires {
			wantTables += len(q.Dimensions)
		}
		if len(p.tables) != wantTables {
			t.Errorf("team %d: %d tables, want %d", teamID, len(p.tables), wantTables)
		}

		// The team breakdown: first column is the team names, literally.
		var names []string
		for _, row := range r.Breakdown[0].Rows {
			names = append(names, row.Name)
		}
		found := false
		for _, tbl := range p.tables {
			if len(tbl) > 0 && len(tbl[0]) > 0 && tbl[0][0] == "Team" {
				found = true
				var got []string
				for _, row := range tbl[1:] {
					got = append(got, row[0])
				}
				if !equal(got, names) {
					t.Errorf("team %d: breakdown teams %q, want %q", teamID, got, names)
				}
				if len(tbl[0]) != 3+len(r.Breakdown[0].Columns) {
					t.Errorf("team %d: breakdown header %q", teamID, tbl[0])
				}
				break
			}
		}
		if !found {
			t.Errorf("team %d: no team breakdown table", teamID)
		}

		rendered := renderHTML(t, src)
		for _, hostile := range []string{"<script>", "<b>", "<experiments>"} {
			if strings.Contains(rendered, hostile) {
				t.Errorf("team %d: rendered HTML holds raw %q", teamID, hostile)
			}
		}
	}
}

func renderHTML(t *testing.T, src []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(src, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func lineOf(src []byte, n ast.Node) string {
	if l := n.Lines(); l != nil && l.Len() > 0 {
		seg := l.At(0)
		return string(seg.Value(src))
	}
	return n.Kind().String()
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestEscape checks that escaped text renders back to itself, as a whole
// paragraph and inside a table cell, whatever it holds.
func TestEscape(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a | b", "a | b"},
		{`back\slash`, `back\slash`},
		{`ends with \`, `ends with \`},
		{`\|`, `\|`},
		{"# heading", "# heading"},
		{"## two", "## two"},
		{"- item", "- item"},
		{"+ item", "+ item"},
		{"= setext", "= setext"},
		{"---", "---"},
		{"1. first", "1. first"},
		{"2) second", "2) second"},
		{"> quote", "> quote"},
		{"*em* **strong** _u_ __uu__", "*em* **strong** _u_ __uu__"},
		{"`code`", "`code`"},
		{"[link](http://x.example)", "[link](http://x.example)"},
		{"![img](x.png)", "![img](x.png)"},
		{"<script>alert(1)</script>", "<script>alert(1)</script>"},
		{"<http://auto.example>", "<http://auto.example>"},
		{"&amp; &lt; &#65;", "&amp; &lt; &#65;"},
		{"~~strike~~", "~~strike~~"},
		{"line\nbreak\r\nand\ttab", "line break and tab"},
		{"  padded   spaces  ", "padded spaces"},
		{"nul\x00byte", "nul\uFFFDbyte"},
		{"bell\x07", "bell"},
		{"    indented code", "indented code"},
		{"see www.evil.example or https://evil.example/x", "see www.evil.example or https://evil.example/x"},
		{"mail me@evil.example", "mail me@evil.example"},
		{"ünïcødé — “quotes”", "ünïcødé — “quotes”"},
	}
	for _, tc := range cases {
		esc := report.Escape(tc.in)
		if strings.ContainsAny(esc, "\n\r") {
			t.Errorf("Escape(%q) = %q spans lines", tc.in, esc)
		}
		para := parseMarkdown(t, []byte(esc+"\n"))
		got := paragraphText(t, renderHTML(t, []byte(esc+"\n")))
		if got != tc.want {
			t.Errorf("Escape(%q) = %q renders as %q, want %q", tc.in, esc, got, tc.want)
		}
		if len(para.tables) != 0 || len(para.heads) != 0 {
			t.Errorf("Escape(%q) = %q makes a table or heading", tc.in, esc)
		}
		tbl := parseMarkdown(t, []byte("| A | B |\n| --- | --- |\n| "+esc+" | x |\n"))
		if len(tbl.tables) != 1 || len(tbl.tables[0]) != 2 || len(tbl.tables[0][1]) != 2 {
			t.Errorf("Escape(%q) = %q breaks a table: %q", tc.in, esc, tbl.tables)
			continue
		}
		if cell := tbl.tables[0][1][0]; cell != tc.want {
			t.Errorf("Escape(%q) = %q in a cell renders as %q, want %q", tc.in, esc, cell, tc.want)
		}
	}
}

// paragraphText is the text of a rendered document that must be exactly
// one paragraph.
func paragraphText(t *testing.T, rendered string) string {
	t.Helper()
	root, err := html.Parse(strings.NewReader(rendered))
	if err != nil {
		t.Fatal(err)
	}
	var paras []*html.Node
	var other []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "html", "head", "body":
			case "p":
				paras = append(paras, n)
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode {
						other = append(other, c.Data)
					}
				}
				return
			default:
				other = append(other, n.Data)
			}
		}
		if n.Type == html.CommentNode {
			other = append(other, "comment")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if len(paras) != 1 || len(other) != 0 {
		return "<" + strings.Join(other, ",") + "> " + rendered
	}
	return textOf(paras[0])
}
