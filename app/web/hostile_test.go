package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"go.yaml.in/yaml/v3"

	"gapmap/models"
	"gapmap/questionnaires"
)

// secHostileCorpus is text that has broken web applications: markup and
// script, SQL, Unicode that reorders or hides text, a 10 KB string, and
// spreadsheet formulas.
func secHostileCorpus() []string {
	return []string{
		`<script>alert("gapmap-xss-1")</script>`,
		`"><img src=x onerror=alert('gapmap-xss-2')>`,
		`'><svg/onload=alert(3)>`,
		`</script><script>alert("gapmap-xss-4")</script>`,
		`</textarea><script>alert(5)</script>`,
		`javascript:alert(6)`,
		`{{.}}{{template "x"}}${7*7}`,
		`' OR '1'='1`,
		`Robert'); DROP TABLE teams;--`,
		`1; SELECT password_hash FROM users --`,
		`x" UNION SELECT token_hash FROM api_tokens --`,
		"\u202Eevil\u202Cexe.txt (RTL override)",
		"zero\u200Bwidth\u200Cjoin\u200Dand\uFEFFbom",
		"emoji 🚀🔥👩‍💻 and 日本語のチーム",
		"=HYPERLINK(\"http://example.invalid\",\"click\")",
		"=1+2",
		"+SUM(1,2)",
		"-2+3+cmd|' /C calc'!A0",
		"@SUM(A1:A2)",
		"\t=1+1",
		strings.Repeat("a", 10*1024),
	}
}

// secEscapedForms are the ways an HTML page may show v escaped.
func secEscapedForms(v string) []string {
	e := html.EscapeString(v)
	return []string{e, strings.ReplaceAll(e, "+", "&#43;")}
}

// secRawDanger reports whether the raw (unescaped) text of v in an HTML
// body would be markup.
func secRawDanger(v string) bool { return strings.ContainsAny(v, "<>") }

// TestHostileTextEverywhere stores the corpus into every text field a user
// can write, then renders every page, the survey, the CSV of links and
// every download: no corpus markup comes out raw, every value that markup
// could abuse is shown escaped somewhere, spreadsheet cells hold text (no
// formulas), CSV cells are prefixed, and nothing answers 5xx.
func TestHostileTextEverywhere(t *testing.T) {
	secEach(t, nil, func(t *testing.T, e *secEnv) {
		corpus := secHostileCorpus()
		api := e.bearerClient(e.a.bearer[models.RoleOwner])
		tried, stored := 0, map[string]bool{}
		accept := func(what, v string, r apiResult) bool {
			t.Helper()
			tried++
			switch {
			case r.Status >= 200 && r.Status < 300:
				stored[v] = true
				return true
			case r.Status >= 500:
				t.Errorf("%s %.40q: %d", what, v, r.Status)
			case r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest && r.Status != http.StatusRequestEntityTooLarge:
				t.Errorf("%s %.40q: %d, want 2xx or a 4xx refusal; %.200q", what, v, r.Status, r.text())
			}
			return false
		}
		jsonStr := func(v string) string {
			b, _ := json.Marshal(v)
			return string(b)
		}

		var teamIDs []string
		for _, v := range corpus {
			r := api.send("POST", "/api/v1/teams", "application/json", `{"name":`+jsonStr(v)+`}`, false)
			if accept("team name", v, r) {
				var tm struct{ ID int64 }
				_ = json.Unmarshal(r.Body, &tm)
				teamIDs = append(teamIDs, fmt.Sprint(tm.ID))
			}
		}
		teams := e.a.obj[objTeam] + "," + strings.Join(teamIDs, ",")
		var rounds []string
		for _, v := range corpus {
			r := api.send("POST", "/api/v1/assessments", "application/json",
				`{"name":`+jsonStr(v)+`,"questionnaires":["cncf-platform-maturity"],"team_ids":[`+teams+`]}`, false)
			if accept("assessment name", v, r) {
				var a struct{ ID int64 }
				_ = json.Unmarshal(r.Body, &a)
				rounds = append(rounds, fmt.Sprint(a.ID))
			}
		}
		// Questionnaire uploads: every text of the first dimension, question,
		// option and recommendation set to a corpus value.
		var uploaded []string
		for i, v := range corpus {
			key := fmt.Sprintf("hostile-%d", i)
			src := secHostileQuestionnaire(t, key, v)
			r := api.send("POST", "/api/v1/questionnaires", "application/yaml", string(src), false)
			if accept("questionnaire texts", v, r) {
				uploaded = append(uploaded, key)
			}
		}
		if len(uploaded) == 0 {
			t.Fatalf("no hostile questionnaire was accepted")
		}
		// A round on the first hostile questionnaire, so that its texts reach
		// the survey, results and exports too.
		r := api.send("POST", "/api/v1/assessments", "application/json",
			`{"name":"Hostile questionnaire round","questionnaires":["`+uploaded[0]+`","cncf-platform-maturity","developer-experience"],"team_ids":[`+teams+`]}`, false)
		if r.Status != http.StatusCreated {
			t.Fatalf("round on %s = %d %.300q", uploaded[0], r.Status, r.text())
		}
		var hq struct{ ID int64 }
		_ = json.Unmarshal(r.Body, &hq)
		hostileRound := fmt.Sprint(hq.ID)
		rounds = append(rounds, hostileRound)

		// Invitation labels, answer comments, and one submitted response.
		var tokens []string
		var surveyTokens []string
		for _, v := range corpus {
			r := api.send("POST", "/api/v1/assessments/"+hostileRound+"/invitations", "application/json",
				`{"team_id":`+e.a.obj[objTeam]+`,"label":`+jsonStr(v)+`}`, false)
			if accept("invitation label", v, r) {
				var inv struct{ Token string }
				_ = json.Unmarshal(r.Body, &inv)
				tokens = append(tokens, inv.Token)
			}
		}
		if len(tokens) == 0 {
			t.Fatal("no invitation created")
		}
		surveyTokens = append(surveyTokens, tokens[0])
		n := 0
		for _, q := range surveyQuestionnaires(t, e.client().get("/api/v1/survey/"+tokens[0])) {
			for _, d := range q.Dimensions {
				for _, qu := range d.Questions {
					v := corpus[n%len(corpus)]
					n++
					if qu.Type == questionnaires.TypeText {
						// The answer to a text question is user text too.
						body := `{"questionnaire":"` + q.Key + `","question":"` + qu.Key + `","text":` + jsonStr(v) + `}`
						accept("text answer", v, e.client().send("PUT", "/api/v1/survey/"+tokens[0]+"/answers", "application/json", body, false))
						continue
					}
					body := `{"questionnaire":"` + q.Key + `","question":"` + qu.Key + `","na":true,"comment":` + jsonStr(v) + `}`
					if !accept("answer comment", v, e.client().send("PUT", "/api/v1/survey/"+tokens[0]+"/answers", "application/json", body, false)) {
						// Too long for a comment: answer without it.
						body = `{"questionnaire":"` + q.Key + `","question":"` + qu.Key + `","na":true}`
						if r := e.client().send("PUT", "/api/v1/survey/"+tokens[0]+"/answers", "application/json", body, false); r.Status != http.StatusOK {
							t.Fatalf("answer = %d %.200q", r.Status, r.text())
						}
					}
				}
			}
		}
		if r := e.client().send("POST", "/api/v1/survey/"+tokens[0]+"/submit", "application/json", "", false); r.Status != http.StatusOK {
			t.Errorf("submit = %d %.300q", r.Status, r.text())
		}
		if len(tokens) > 1 {
			surveyTokens = append(surveyTokens, tokens[1])
		}

		// Organization names, through the sign-up form; each new owner's pages
		// are checked below.
		var signups []*testClient
		for i, v := range corpus {
			c := e.client()
			c.get("/signup")
			form := url.Values{"org_name": {v}, "email": {fmt.Sprintf("hostile-%d@example.com", i)}, "password": {testPassword}}.Encode()
			r := c.send("POST", "/signup", "application/x-www-form-urlencoded", form, true)
			tried++
			switch {
			case r.Status == http.StatusSeeOther:
				stored[v] = true
				signups = append(signups, c)
			case r.Status >= 500:
				t.Errorf("sign-up with organization name %.40q: %d", v, r.Status)
			}
		}

		// Render everything.
		pages := e.hostilePages(rounds, uploaded, surveyTokens)
		owner := e.a.browser[models.RoleOwner]
		shown := map[string]bool{}
		check := func(c *testClient, p string) {
			t.Helper()
			r := c.get(p)
			if r.Status != http.StatusOK {
				if r.Status >= 500 || r.Status == http.StatusNotFound {
					t.Errorf("GET %s = %d", p, r.Status)
				}
				return
			}
			if !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
				return
			}
			if !strings.Contains(r.text(), "</html>") {
				t.Errorf("GET %s: the page is cut short (a template failed half way?)", p)
			}
			for _, v := range corpus {
				if secRawDanger(v) && strings.Contains(r.text(), v) {
					t.Errorf("GET %s: corpus value %.60q appears unescaped", p, v)
				}
				for _, f := range secEscapedForms(v) {
					if strings.Contains(r.text(), f) {
						shown[v] = true
					}
				}
			}
			if strings.Contains(r.text(), "gapmap-xss") && strings.Contains(r.text(), `<script>alert("gapmap-xss`) {
				t.Errorf("GET %s: a corpus script runs", p)
			}
		}
		for _, p := range pages {
			check(owner, p)
		}
		for _, c := range signups {
			check(c, "/teams")
			check(c, "/assessments")
		}
		for _, v := range corpus {
			if stored[v] && secRawDanger(v) && !shown[v] {
				t.Errorf("corpus value %.60q was stored but no page shows it escaped", v)
			}
		}

		// Downloads.
		form := url.Values{"token": tokens}.Encode()
		r = owner.send("POST", "/assessments/"+hostileRound+"/invitations.csv", "application/x-www-form-urlencoded", form, true)
		if r.Status != http.StatusOK {
			t.Errorf("links CSV = %d", r.Status)
		} else if secCheckCSV(t, "links CSV", r.text()) == 0 {
			t.Errorf("links CSV: no label with a formula prefix; the hostile labels are missing")
		}
		downloads, xlsxCells, csvCells := 0, 0, 0
		for _, p := range e.hostileDownloads(rounds) {
			r := owner.get(p)
			if r.Status >= 500 {
				continue // reported by the header check
			}
			if r.Status != http.StatusOK {
				continue
			}
			downloads++
			if !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("GET %s: Content-Disposition %q, want an attachment", p, r.Header.Get("Content-Disposition"))
			}
			switch {
			case strings.HasPrefix(r.text(), "PK"):
				xlsxCells += secCheckXLSX(t, p, r.Body, corpus)
			case strings.Contains(r.Header.Get("Content-Type"), "csv"):
				csvCells += secCheckCSV(t, p, r.text())
			}
		}
		if downloads > 0 && xlsxCells == 0 {
			t.Errorf("no workbook cell holds a formula-like corpus value: the check saw nothing")
		}
		t.Logf("hostile text: %d values × 6 fields = %d writes tried (%d distinct values stored); %d pages, %d downloads "+
			"(%d workbook cells with formula-like text, all text; %d CSV cells prefixed) checked",
			len(corpus), tried, len(stored), len(pages)+2*len(signups), downloads, xlsxCells, csvCells)
	})
}

// secHostileQuestionnaire returns a valid questionnaire under key whose
// title, description, first dimension, question, option and
// recommendation texts are all v.
func secHostileQuestionnaire(t *testing.T, key, v string) []byte {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(questionnaireYAML(t, key, nil), &doc); err != nil {
		t.Fatal(err)
	}
	field := func(m *yaml.Node, name string) *yaml.Node {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == name {
				return m.Content[i+1]
			}
		}
		t.Fatalf("questionnaire has no field %s", name)
		return nil
	}
	set := func(m *yaml.Node, names ...string) {
		for _, n := range names {
			f := field(m, n)
			f.Kind, f.Tag, f.Style, f.Value = yaml.ScalarNode, "!!str", yaml.DoubleQuotedStyle, v
		}
	}
	root := doc.Content[0]
	set(root, "title", "description")
	dim := field(root, "dimensions").Content[0]
	set(dim, "title", "description")
	qu := field(dim, "questions").Content[0]
	set(qu, "text", "help")
	set(field(qu, "options").Content[0], "label")
	set(field(root, "recommendations").Content[0], "title", "detail")
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// hostilePages lists the HTML pages to render: every GET page route of the
// matrix with organization A's objects, for every round and uploaded
// questionnaire, and every page of the given surveys.
func (e *secEnv) hostilePages(rounds, uploaded, surveys []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	matrix := secRoutes()
	for _, key := range secRouteKeys(e.app) {
		rt, ok := matrix[key]
		if !ok || !strings.HasPrefix(key, "GET ") || strings.HasPrefix(key, "GET /api/") || rt.attachment {
			continue
		}
		variants := []map[string]string{e.a.obj}
		for _, round := range rounds {
			o := secCopy(e.a.obj)
			o[objAssessment] = round
			variants = append(variants, o)
		}
		for _, q := range uploaded {
			o := secCopy(e.a.obj)
			o[objQuestionnaire] = q
			variants = append(variants, o)
		}
		for _, s := range surveys {
			for n := 1; n <= 12; n++ {
				o := secCopy(e.a.obj)
				o[objSurvey], o[objPage] = s, fmt.Sprint(n)
				variants = append(variants, o)
			}
		}
		for _, o := range variants {
			_, p, _, _ := e.fill(key, rt, o)
			add(p)
		}
	}
	return out
}

// hostileDownloads lists the GET routes marked as attachments, for every round.
func (e *secEnv) hostileDownloads(rounds []string) []string {
	var out []string
	matrix := secRoutes()
	for _, key := range secRouteKeys(e.app) {
		rt, ok := matrix[key]
		if !ok || !strings.HasPrefix(key, "GET ") || !rt.attachment {
			continue
		}
		for _, round := range rounds {
			o := secCopy(e.a.obj)
			o[objAssessment] = round
			_, p, _, _ := e.fill(key, rt, o)
			out = append(out, p)
		}
	}
	return out
}

func secCopy(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// secCheckCSV fails for a CSV cell that a spreadsheet would read as a formula.
func secCheckCSV(t *testing.T, what, body string) (prefixed int) {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Errorf("%s: not CSV: %v", what, err)
		return 0
	}
	for i, row := range rows {
		for j, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !secIsNumber(cell) {
				t.Errorf("%s: row %d column %d %.60q starts like a formula; want it prefixed with '", what, i+1, j+1, cell)
			}
			if strings.HasPrefix(cell, "'") && len(cell) > 1 && strings.ContainsRune("=+-@\t\r", rune(cell[1])) {
				prefixed++
			}
		}
	}
	return prefixed
}

func secIsNumber(s string) bool {
	var f float64
	_, err := fmt.Sscan(s, &f)
	return err == nil && fmt.Sprint(f) != "" && !strings.ContainsAny(s, "=+@\t\r(") && strings.Count(s, "-") <= 1
}

// secCheckXLSX fails for a formula in any cell of a downloaded workbook
// that holds a corpus value, and for corpus values stored as other than text.
func secCheckXLSX(t *testing.T, what string, data []byte, corpus []string) (hostileCells int) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Errorf("%s: not a workbook: %v", what, err)
		return 0
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Errorf("%s: sheet %s: %v", what, sheet, err)
			continue
		}
		for i, row := range rows {
			for j, v := range row {
				if v == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				formula, err := f.GetCellFormula(sheet, cell)
				if err != nil {
					t.Errorf("%s: %s!%s: %v", what, sheet, cell, err)
					continue
				}
				hostile := false
				for _, c := range corpus {
					if strings.Contains(v, strings.TrimSpace(c)) && strings.ContainsAny(c[:1], "=+-@\t") {
						hostile = true
					}
				}
				if hostile && formula != "" {
					t.Errorf("%s: %s!%s holds the formula %q from user text", what, sheet, cell, formula)
				}
				if hostile {
					hostileCells++
					typ, _ := f.GetCellType(sheet, cell)
					if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString && typ != excelize.CellTypeUnset {
						t.Errorf("%s: %s!%s holding user text has cell type %v, want text", what, sheet, cell, typ)
					}
				}
			}
		}
	}
	return hostileCells
}
