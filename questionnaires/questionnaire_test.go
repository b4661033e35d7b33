package questionnaires_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gapmap/questionnaires"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

type wantErr struct {
	line int
	path string
	msg  string // substring of the message
}

func TestParseBroken(t *testing.T) {
	tests := []struct {
		file string
		want []wantErr
	}{
		{"unknown-field", []wantErr{
			{6, "owner", `unknown field "owner" (allowed: key, version`},
			{18, "dimensions[0].colour", `unknown field "colour"`},
		}},
		{"duplicate-key", []wantErr{
			{4, "title", `duplicate key "title" (first on line 3)`},
			{31, "dimensions[0].questions[1].help", `duplicate key "help" (first on line 30)`},
		}},
		{"duplicate-dimension", []wantErr{
			{43, "dimensions[1].key", `duplicate dimension key "delivery" (first on line 15)`},
			{47, "dimensions[1].questions[0].key", `duplicate question key "deploys" (first on line 19)`},
			{55, "dimensions[1].questions[1].key", `duplicate question key "rollbacks"`},
			{63, "dimensions[1].questions[2].key", `duplicate question key "config"`},
		}},
		{"duplicate-question", []wantErr{
			{27, "dimensions[0].questions[1].key", `duplicate question key "deploys" (first on line 19)`},
		}},
		{"duplicate-option", []wantErr{
			{34, "dimensions[0].questions[1].options[1].key", `duplicate option key "l2" (first on line 32)`},
			{44, "dimensions[0].questions[2].options[1].key", `duplicate option key "same" (first on line 41)`},
		}},
		{"duplicate-recommendation", []wantErr{
			{51, "recommendations[1].key", `duplicate recommendation key "add-pipeline" (first on line 44)`},
		}},
		{"missing-required", []wantErr{
			{1, "version", "missing required field"},
			{21, "dimensions[0].questions[0].options", "needs exactly one option per level 1..2: none for level 2"},
			{24, "dimensions[0].questions[0].options[1].level", "missing required field"},
			{25, "dimensions[0].questions[1].help", "missing required field"},
		}},
		{"wrong-type", []wantErr{
			{2, "version", "expected a string, got the float 1.0 (quote it)"},
			{3, "title", "expected a string, got nothing"},
			{8, "levels[0].level", `expected an integer, got the string "one"`},
			{18, "dimensions[0].weight", `expected a number, got the string "heavy"`},
			{22, "dimensions[0].questions[0].help", "expected a string, got a list"},
			{50, "recommendations[0].impact", `expected an integer, got the string "3"`},
		}},
		{"not-a-mapping", []wantErr{{1, "", "expected a mapping, got a list"}}},
		{"bad-slug", []wantErr{
			{1, "key", `"Mini_Questionnaire" is not a slug`},
			{35, "dimensions[0].questions[2].key", `"-config" is not a slug`},
			{40, "dimensions[0].questions[2].options[0].key", `"level one" is not a slug`},
			{59, "recommendations[1].requires[0]", `"add--pipeline" is not a slug`},
		}},
		{"level-numbering", []wantErr{
			{11, "levels[1].level", "levels must be numbered 1..2 in order: expected 2, got 3"},
		}},
		{"too-few-levels", []wantErr{{7, "levels", "needs at least 2 levels, got 1"}}},
		{"option-level-range", []wantErr{
			{30, "dimensions[0].questions[1].options", "none for level 2"},
			{33, "dimensions[0].questions[1].options[1].level", "must be a level from 1 to 2, got 3"},
		}},
		{"option-count", []wantErr{
			{22, "dimensions[0].questions[0].options", "needs exactly one option per level 1..2: none for level 2"},
			{28, "dimensions[0].questions[1].options", "2 for level 1, none for level 2"},
		}},
		{"no-options", []wantErr{
			{27, "dimensions[0].questions[1]", "a level-scale question needs options"},
		}},
		{"likert-options", []wantErr{
			{22, "dimensions[0].questions[0].options", "likert statements have no options"},
		}},
		{"reverse-on-level", []wantErr{
			{22, "dimensions[0].questions[0].reverse", "reverse applies to likert statements only"},
		}},
		{"dimension-scale", []wantErr{
			{18, "dimensions[0].scale", `"likert" differs from the questionnaire's scale "level"`},
		}},
		{"few-questions", []wantErr{
			{18, "dimensions[0].questions", "needs at least 3 questions, got 2"},
		}},
		{"few-recommendations", []wantErr{
			{15, "dimensions[0]", "needs at least 2 recommendations to reach level 2 (Automated), has 1"},
		}},
		{"unknown-reference", []wantErr{
			{15, "dimensions[0]", "to reach level 2 (Automated), has 1"},
			{52, "recommendations[1].dimension", `unknown dimension "deliveries"`},
			{58, "recommendations[1].requires[1]", `unknown recommendation "write-runbook"`},
		}},
		{"requires-cycle", []wantErr{
			{59, "recommendations[1].requires[0]", "requires cycle: add-pipeline -> scripted-rollback -> add-pipeline"},
			{67, "recommendations[2].requires[0]", "requires cycle: self-made -> self-made"},
		}},
		{"impact-effort", []wantErr{
			{49, "recommendations[0].impact", "must be 1, 2 or 3, got 0"},
			{50, "recommendations[0].effort", "must be 1, 2 or 3, got 4"},
		}},
		{"to-level", []wantErr{
			{15, "dimensions[0]", "to reach level 2 (Automated), has 0"},
			{46, "recommendations[0].to_level", "must be a level from 2 to 2, got 1"},
			{53, "recommendations[1].to_level", "must be a level from 2 to 2, got 3"},
		}},
		{"pass-ratio", []wantErr{{7, "pass_ratio", "must be in (0, 1], got 0"}}},
		{"pass-ratio-high", []wantErr{{7, "pass_ratio", "must be in (0, 1], got 1.5"}}},
		{"weight", []wantErr{
			{18, "dimensions[0].weight", "must be greater than 0, got -1"},
			{23, "dimensions[0].questions[0].weight", "must be greater than 0, got 0"},
		}},
		{"anchor-alias", []wantErr{
			{39, "dimensions[0].questions[2].options[0]", "YAML anchors are not allowed (&first)"},
			{42, "dimensions[0].questions[2].options[1]", "YAML aliases are not allowed (*first)"},
		}},
		{"alias-bomb", []wantErr{
			{1, "a", "anchors are not allowed (&a)"},
			{2, "b", "anchors are not allowed (&b)"},
			{2, "b[0]", "aliases are not allowed (*a)"},
			{3, "c", "(&c)"}, {3, "c[0]", "(*b)"},
			{4, "d", "(&d)"}, {4, "d[0]", "(*c)"},
			{5, "e", "(&e)"}, {5, "e[0]", "(*d)"},
			{6, "f", "(&f)"}, {6, "f[0]", "(*e)"},
			{7, "g", "(&g)"}, {7, "g[0]", "(*f)"},
			{8, "h", "(&h)"}, {8, "h[0]", "(*g)"},
			{9, "i", "(&i)"}, {9, "i[0]", "(*h)"},
		}},
		{"too-deep", []wantErr{
			{6, "extra" + strings.Repeat("[0]", 19), "nested deeper than 20 levels"},
		}},
		{"multiple-documents", []wantErr{{59, "", "more than one YAML document"}}},
		{"syntax", []wantErr{{14, "", "invalid YAML: did not find expected '-' indicator"}}},
		{"empty", []wantErr{{0, "", "file is empty"}}},
		{"many", []wantErr{
			{6, "owner", `unknown field "owner"`},
			{28, "dimensions[0].questions[1].text", "missing required field"},
			{35, "dimensions[0].questions[2].key", `"Config" is not a slug`},
			{57, "recommendations[1].impact", "must be 1, 2 or 3, got 5"},
			{59, "recommendations[1].requires[0]", "requires cycle: add-pipeline -> scripted-rollback -> add-pipeline"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			file := filepath.Join("testdata", "broken", tt.file+".yaml")
			q, err := questionnaires.Parse(file, readFile(t, file))
			if q != nil {
				t.Errorf("Parse returned a questionnaire along with errors")
			}
			assertErrors(t, err, file, tt.want)
		})
	}
}

func assertErrors(t *testing.T, err error, file string, want []wantErr) {
	t.Helper()
	var got questionnaires.ValidationErrors
	if !errors.As(err, &got) {
		t.Fatalf("error = %v (%T), want ValidationErrors", err, err)
	}
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d:\n%v", len(got), len(want), err)
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.File != file || g.Line != w.line || g.Path != w.path || !strings.Contains(g.Message, w.msg) {
			t.Errorf("error %d = %s:%d: %s: %s\nwant    %s:%d: %s: ...%s...", i, g.File, g.Line, g.Path, g.Message, file, w.line, w.path, w.msg)
		}
	}
}

func TestParseLimits(t *testing.T) {
	mini := readFile(t, "testdata/mini.yaml")
	tests := []struct {
		name string
		data []byte
		want []wantErr
	}{
		{"over 1 MiB", append(bytes.Clone(mini), "#"+strings.Repeat("x", questionnaires.MaxFileSize)...),
			[]wantErr{{0, "", "the limit is 1048576 (1 MiB)"}}},
		{"deep flow nesting", []byte("extra: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000)),
			[]wantErr{{1, "extra" + strings.Repeat("[0]", 19), "nested deeper than 20 levels"}}},
		{"deeper than the YAML parser allows", []byte(strings.Repeat("[", 20000)),
			[]wantErr{{0, "", "invalid YAML: exceeded max depth"}}},
		{"second document is broken", append(bytes.Clone(mini), "---\nkey: [\n"...),
			[]wantErr{{60, "", "invalid YAML: did not find expected node content"}}},
		{"only a document marker", []byte("---\n"), []wantErr{{2, "", "expected a mapping, got nothing"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := questionnaires.Parse("x.yaml", tt.data)
			assertErrors(t, err, "x.yaml", tt.want)
		})
	}
}

func TestParseCapsErrorCount(t *testing.T) {
	data := []byte("levels: [" + strings.Repeat("x, ", 2000) + "x]\n")
	_, err := questionnaires.Parse("x.yaml", data)
	var errs questionnaires.ValidationErrors
	if !errors.As(err, &errs) {
		t.Fatalf("error = %v, want ValidationErrors", err)
	}
	if len(errs) > 1000 || !strings.HasSuffix(errs[len(errs)-1].Message, "more errors not shown") {
		t.Errorf("got %d errors ending with %q, want a capped list ending with a count of the rest", len(errs), errs[len(errs)-1].Message)
	}
}

func TestValidationErrorsMessage(t *testing.T) {
	errs := questionnaires.ValidationErrors{
		{File: "a.yaml", Line: 3, Path: "dimensions[0].key", Message: "bad"},
		{File: "a.yaml", Message: "file is empty"},
	}
	want := "a.yaml:3: dimensions[0].key: bad\na.yaml: file is empty"
	if got := errs.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestParseValid(t *testing.T) {
	for _, file := range []string{"testdata/mini.yaml", "testdata/valid.yaml", "testdata/valid-likert.yaml"} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data := readFile(t, file)
			q, err := questionnaires.Parse(file, data)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if q.Hash != hex.EncodeToString(sum[:]) {
				t.Errorf("Hash = %s, want the SHA-256 of the file", q.Hash)
			}
			checkInvariants(t, q)

			js, err := json.MarshalIndent(q, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".json"
			if *update {
				if err := os.WriteFile(golden, append(js, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := readFile(t, golden); !bytes.Equal(append(js, '\n'), want) {
				t.Errorf("JSON differs from %s (run with -update and review the diff):\n%s", golden, js)
			}
			back, err := questionnaires.ParseJSON(js)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, q) {
				t.Errorf("ParseJSON(json(q)) differs from q")
			}
		})
	}
}

func TestParseDefaults(t *testing.T) {
	q, err := questionnaires.Parse("valid.yaml", readFile(t, "testdata/valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	mini, err := questionnaires.Parse("mini.yaml", readFile(t, "testdata/mini.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	env, _ := q.Dimension("environments")
	_, deploys, _ := q.Question("deploys")
	tests := []struct {
		name      string
		got, want any
	}{
		{"explicit pass_ratio", q.PassRatio, 0.5},
		{"default pass_ratio", mini.PassRatio, questionnaires.DefaultPassRatio},
		{"explicit dimension weight", q.Dimensions[0].Weight, 2.0},
		{"default dimension weight", env.Weight, 1.0},
		{"default dimension scale", env.Scale, questionnaires.ScaleLevel},
		{"explicit question weight", deploys.Weight, 1.5},
		{"default question weight", env.Questions[0].Weight, 1.0},
		{"options sorted by level, default and explicit keys", deploys.Options, []questionnaires.Option{
			{Key: "l1", Level: 1, Label: "Someone runs commands on a server."},
			{Key: "l2", Level: 2, Label: "A script in the repository deploys."},
			{Key: "pipeline", Level: 3, Label: "A merge to main deploys through a shared pipeline."},
		}},
		{"folded description trimmed", q.Description, "Three levels, two dimensions, options written out of order, explicit and default keys, weights and pass_ratio."},
		{"requires", q.Recommendations[3].Requires, []string{"d3-pipeline", "d2-rollback"}},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.name, tt.got, tt.want)
		}
	}
}

func TestLookups(t *testing.T) {
	data := readFile(t, "testdata/valid.yaml")
	parsed, err := questionnaires.Parse("valid.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(parsed)
	var plain questionnaires.Questionnaire // no index: lookups scan
	if err := json.Unmarshal(js, &plain); err != nil {
		t.Fatal(err)
	}
	for name, q := range map[string]*questionnaires.Questionnaire{"indexed": parsed, "scanned": &plain} {
		t.Run(name, func(t *testing.T) {
			if d, ok := q.Dimension("environments"); !ok || d != &q.Dimensions[1] {
				t.Errorf("Dimension(environments) = %v, %v", d, ok)
			}
			if _, ok := q.Dimension("deploys"); ok {
				t.Errorf("Dimension(deploys) found a question key")
			}
			d, qu, ok := q.Question("env-parity")
			if !ok || d != &q.Dimensions[1] || qu != &q.Dimensions[1].Questions[2] {
				t.Errorf("Question(env-parity) = %v, %v, %v", d, qu, ok)
			}
			if _, _, ok := q.Question("delivery"); ok {
				t.Errorf("Question(delivery) found a dimension key")
			}
			if o, ok := qu.Option("l3"); !ok || o.Level != 3 {
				t.Errorf("Option(l3) = %v, %v", o, ok)
			}
			if _, ok := qu.Option("pipeline"); ok {
				t.Errorf("Option(pipeline) found another question's option")
			}
			for level, want := range map[int]string{0: "", 1: "Ad hoc", 3: "Self-service", 4: ""} {
				if got := q.LevelName(level); got != want {
					t.Errorf("LevelName(%d) = %q, want %q", level, got, want)
				}
			}
			if got := q.QuestionCount(); got != 6 {
				t.Errorf("QuestionCount() = %d, want 6", got)
			}
		})
	}
}

func TestParseJSONRejects(t *testing.T) {
	for _, data := range []string{`{`, `[]`, `{"key":"x","levels":[{"level":1}]}`, `{"levels":[{"level":1},{"level":2}]}`} {
		if _, err := questionnaires.ParseJSON([]byte(data)); err == nil {
			t.Errorf("ParseJSON(%s) succeeded", data)
		}
	}
}

func TestShipped(t *testing.T) {
	all, err := questionnaires.Shipped()
	if err != nil {
		t.Fatalf("shipped questionnaires do not validate:\n%v", err)
	}
	if len(all) != 3 || all[0].Key != "cncf-platform-maturity" || all[1].Key != "developer-experience" || all[2].Key != "gartner-platform-axes" {
		t.Fatalf("Shipped() returned %d questionnaires, want cncf-platform-maturity, developer-experience and gartner-platform-axes in that order", len(all))
	}
	cncf, dx, gartner := all[0], all[1], all[2]
	var names []string
	for _, l := range cncf.Levels {
		names = append(names, l.Name)
	}
	if got, want := strings.Join(names, ", "), "Provisional, Operational, Scalable, Optimizing, Innovating"; got != want {
		t.Errorf("cncf levels = %s, want %s", got, want)
	}
	if cncf.Scale != questionnaires.ScaleLevel || len(cncf.Dimensions) < 7 {
		t.Errorf("cncf: scale %s with %d dimensions, want level with at least 7", cncf.Scale, len(cncf.Dimensions))
	}
	for _, d := range cncf.Dimensions {
		if len(d.Questions) < 4 {
			t.Errorf("cncf dimension %s has %d questions, want at least 4", d.Key, len(d.Questions))
		}
	}
	if gartner.Scale != questionnaires.ScaleLikert || len(gartner.Levels) != 5 || len(gartner.Dimensions) != 4 {
		t.Errorf("gartner: scale %s, %d levels, %d dimensions; want likert, 5, 4", gartner.Scale, len(gartner.Levels), len(gartner.Dimensions))
	}
	for _, d := range gartner.Dimensions {
		reverse := 0
		for _, q := range d.Questions {
			if q.Reverse {
				reverse++
			}
		}
		if len(d.Questions) < 6 || reverse == 0 {
			t.Errorf("gartner axis %s has %d statements, %d reverse-scored; want at least 6 and 1", d.Key, len(d.Questions), reverse)
		}
	}
	checkDeveloperExperience(t, dx)
}

// checkDeveloperExperience holds the shipped developer survey to what it
// promises: five likert dimensions with at least four statements each (one
// reverse-scored, all with help), one nps question and the two numbers.
func checkDeveloperExperience(t *testing.T, q *questionnaires.Questionnaire) {
	t.Helper()
	if q.Scale != questionnaires.ScaleLikert {
		t.Errorf("developer-experience: scale %s, want likert", q.Scale)
	}
	var dims []string
	types := map[string][]string{}
	for _, d := range q.Dimensions {
		dims = append(dims, d.Key)
		statements, reverse := 0, 0
		for _, qu := range d.Questions {
			if qu.Help == "" {
				t.Errorf("question %s has no help", qu.Key)
			}
			if !qu.Scored() {
				types[qu.Type] = append(types[qu.Type], qu.Key)
				continue
			}
			statements++
			if qu.Reverse {
				reverse++
			}
		}
		if statements < 4 || reverse == 0 {
			t.Errorf("developer-experience %s has %d statements, %d reverse-scored; want at least 4 and 1", d.Key, statements, reverse)
		}
	}
	if got, want := strings.Join(dims, " "), "feedback-loops cognitive-load flow-and-focus golden-paths onboarding-docs"; got != want {
		t.Errorf("developer-experience dimensions = %s, want %s", got, want)
	}
	if len(types["nps"]) != 1 || len(types["number"]) < 2 {
		t.Fatalf("developer-experience measures = %v, want one nps and at least two numbers", types)
	}
	if _, nps, _ := q.Question(types["nps"][0]); nps.Text != "How likely are you to recommend our internal platform to a colleague?" {
		t.Errorf("nps question = %q", nps.Text)
	}
	for key, unit := range map[string]string{"od-days-first-deploy": "days", "cl-hours-lost": "hours"} {
		if _, n, ok := q.Question(key); !ok || n.Type != questionnaires.TypeNumber || n.Unit != unit || n.Required {
			t.Errorf("number question %s = %+v, want an optional number in %s", key, n, unit)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/*.yaml", "testdata/broken/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			f.Add(readFile(f, file))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := questionnaires.Parse("fuzz.yaml", data)
		if err != nil {
			var errs questionnaires.ValidationErrors
			if q != nil || !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("Parse failed with q=%v, err %T %v", q, err, err)
			}
			return
		}
		checkInvariants(t, q)
	})
}

// checkInvariants asserts what every successfully parsed questionnaire
// guarantees to the survey and scoring code.
func checkInvariants(t *testing.T, q *questionnaires.Questionnaire) {
	t.Helper()
	n := len(q.Levels)
	if n < 2 {
		t.Fatalf("%d levels", n)
	}
	for i, l := range q.Levels {
		if l.Level != i+1 || q.LevelName(l.Level) != l.Name {
			t.Errorf("levels[%d] = %d (%q)", i, l.Level, l.Name)
		}
	}
	if q.PassRatio <= 0 || q.PassRatio > 1 || len(q.Hash) != 64 {
		t.Errorf("pass_ratio %g, hash %q", q.PassRatio, q.Hash)
	}
	count := 0
	for i := range q.Dimensions {
		d := &q.Dimensions[i]
		if got, ok := q.Dimension(d.Key); !ok || got != d {
			t.Errorf("Dimension(%q) does not find dimensions[%d]", d.Key, i)
		}
		if d.Scale != q.Scale || d.Weight <= 0 || len(d.Questions) < 3 {
			t.Errorf("dimension %q: scale %q, weight %g, %d questions", d.Key, d.Scale, d.Weight, len(d.Questions))
		}
		for j := range d.Questions {
			qu := &d.Questions[j]
			count++
			if gd, gq, ok := q.Question(qu.Key); !ok || gd != d || gq != qu {
				t.Errorf("Question(%q) does not find it", qu.Key)
			}
			want := n
			if q.Scale == questionnaires.ScaleLikert {
				want = 0
			}
			if len(qu.Options) != want || qu.Weight <= 0 {
				t.Errorf("question %q: %d options, want %d; weight %g", qu.Key, len(qu.Options), want, qu.Weight)
			}
			for k, o := range qu.Options {
				if got, ok := qu.Option(o.Key); o.Level != k+1 || !ok || got != &qu.Options[k] {
					t.Errorf("question %q: options[%d] has level %d, key %q", qu.Key, k, o.Level, o.Key)
				}
			}
		}
	}
	if q.QuestionCount() != count {
		t.Errorf("QuestionCount() = %d, want %d", q.QuestionCount(), count)
	}
	for _, r := range q.Recommendations {
		if _, ok := q.Dimension(r.Dimension); !ok || r.ToLevel < 2 || r.ToLevel > n || r.Impact < 1 || r.Impact > 3 || r.Effort < 1 || r.Effort > 3 {
			t.Errorf("recommendation %+v", r)
		}
	}
}

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
