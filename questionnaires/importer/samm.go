package importer

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The files of the SAMM core model, one YAML document each, linked by ids.
type (
	sammFunction struct {
		ID          string `yaml:"id"`
		Name        string `yaml:"name"`
		Description string `yaml:"description"`
		Order       int    `yaml:"order"`
	}
	sammPractice struct {
		Function         string `yaml:"function"`
		ID               string `yaml:"id"`
		Name             string `yaml:"name"`
		ShortName        string `yaml:"shortName"`
		ShortDescription string `yaml:"shortDescription"`
		LongDescription  string `yaml:"longDescription"`
		Order            int    `yaml:"order"`
	}
	sammStream struct {
		Practice    string `yaml:"practice"`
		ID          string `yaml:"id"`
		Name        string `yaml:"name"`
		Letter      string `yaml:"letter"`
		Description string `yaml:"description"`
		Order       int    `yaml:"order"`
	}
	sammMaturity struct {
		ID          string `yaml:"id"`
		Number      int    `yaml:"number"`
		Description string `yaml:"description"`
	}
	sammPracticeLevel struct {
		Practice      string `yaml:"practice"`
		MaturityLevel string `yaml:"maturityLevel"`
		ID            string `yaml:"id"`
		Objective     string `yaml:"objective"`
	}
	sammActivity struct {
		Stream           string `yaml:"stream"`
		Level            string `yaml:"level"`
		ID               string `yaml:"id"`
		Title            string `yaml:"title"`
		Benefit          string `yaml:"benefit"`
		ShortDescription string `yaml:"shortDescription"`
	}
	sammQuestion struct {
		Activity  string   `yaml:"activity"`
		AnswerSet string   `yaml:"answerSet"`
		ID        string   `yaml:"id"`
		Text      string   `yaml:"text"`
		Order     int      `yaml:"order"`
		Quality   []string `yaml:"quality"`
	}
	sammAnswerSet struct {
		ID     string       `yaml:"id"`
		Values []sammAnswer `yaml:"values"`
	}
	sammAnswer struct {
		Text  string   `yaml:"text"`
		Value *float64 `yaml:"value"`
		Order int      `yaml:"order"`
	}
)

// item is one decoded file: its path (as given, for messages) and value.
type item[T any] struct {
	file string
	v    T
}

// sammModel is every folder of the model, decoded.
type sammModel struct {
	dir        string
	functions  []item[sammFunction]
	practices  []item[sammPractice]
	streams    []item[sammStream]
	maturity   []item[sammMaturity]
	plevels    []item[sammPracticeLevel]
	activities []item[sammActivity]
	questions  []item[sammQuestion]
	answerSets []item[sammAnswerSet]
	files      map[string][]byte
}

// sammDir finds the model folder: path itself or its model/ sub-folder.
func sammDir(path string) (string, error) {
	for _, dir := range []string{filepath.Join(path, "model"), path} {
		if st, err := os.Stat(filepath.Join(dir, "business_functions")); err == nil && st.IsDir() {
			return dir, nil
		}
	}
	if _, err := os.Stat(path); err != nil {
		return "", errorf(path, 0, "cannot read: %v", unwrapPathError(err))
	}
	return "", errorf(path, 0, "no business_functions folder here or in model/: give a checkout of owaspsamm/core or its model/ folder")
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readFolder decodes every .yml and .yaml file of dir/name, in name order,
// and checks that each has the fields want names (YAML name -> value).
func readFolder[T any](m *sammModel, name string, optional bool, want func(*T) map[string]string) ([]item[T], error) {
	dir := filepath.Join(m.dir, name)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, errorf(dir, 0, "cannot read the folder: %v", unwrapPathError(err))
	}
	var out []item[T]
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || ext != ".yml" && ext != ".yaml" {
			continue
		}
		file := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, errorf(file, 0, "cannot read: %v", unwrapPathError(err))
		}
		m.files[filepath.Join(name, e.Name())] = data
		var v T
		if err := yaml.Unmarshal(data, &v); err != nil {
			return nil, yamlError(file, err)
		}
		for _, field := range sortedFields(want(&v)) {
			if clean(field.value) == "" {
				return nil, errorf(file, 0, "missing %s", field.name)
			}
		}
		out = append(out, item[T]{file, v})
	}
	if len(out) == 0 && !optional {
		return nil, errorf(dir, 0, "no .yml files in the folder")
	}
	return out, nil
}

type namedValue struct{ name, value string }

func sortedFields(m map[string]string) []namedValue {
	out := make([]namedValue, 0, len(m))
	for k, v := range m {
		out = append(out, namedValue{k, v})
	}
	slices.SortFunc(out, func(a, b namedValue) int { return cmp.Compare(a.name, b.name) })
	return out
}

func loadSAMM(path string) (*sammModel, error) {
	dir, err := sammDir(path)
	if err != nil {
		return nil, err
	}
	m := &sammModel{dir: dir, files: map[string][]byte{}}
	if m.functions, err = readFolder(m, "business_functions", false, func(v *sammFunction) map[string]string {
		return map[string]string{"id": v.ID, "name": v.Name}
	}); err != nil {
		return nil, err
	}
	if m.practices, err = readFolder(m, "security_practices", false, func(v *sammPractice) map[string]string {
		return map[string]string{"id": v.ID, "name": v.Name, "function": v.Function}
	}); err != nil {
		return nil, err
	}
	if m.streams, err = readFolder(m, "streams", false, func(v *sammStream) map[string]string {
		return map[string]string{"id": v.ID, "name": v.Name, "practice": v.Practice, "letter": v.Letter}
	}); err != nil {
		return nil, err
	}
	if m.maturity, err = readFolder(m, "maturity_levels", false, func(v *sammMaturity) map[string]string {
		return map[string]string{"id": v.ID, "description": v.Description}
	}); err != nil {
		return nil, err
	}
	if m.plevels, err = readFolder(m, "practice_levels", false, func(v *sammPracticeLevel) map[string]string {
		return map[string]string{"id": v.ID, "practice": v.Practice, "maturityLevel": v.MaturityLevel}
	}); err != nil {
		return nil, err
	}
	if m.activities, err = readFolder(m, "activities", false, func(v *sammActivity) map[string]string {
		return map[string]string{"id": v.ID, "stream": v.Stream, "level": v.Level, "title": v.Title}
	}); err != nil {
		return nil, err
	}
	if m.questions, err = readFolder(m, "questions", false, func(v *sammQuestion) map[string]string {
		return map[string]string{"id": v.ID, "activity": v.Activity, "answerSet": v.AnswerSet, "text": v.Text}
	}); err != nil {
		return nil, err
	}
	if m.answerSets, err = readFolder(m, "answer_sets", false, func(v *sammAnswerSet) map[string]string {
		return map[string]string{"id": v.ID}
	}); err != nil {
		return nil, err
	}
	return m, nil
}

// index maps each file's id to its item, refusing an id used twice.
func index[T any](items []item[T], id func(*T) string) (map[string]*item[T], error) {
	out := make(map[string]*item[T], len(items))
	for i := range items {
		it := &items[i]
		key := clean(id(&it.v))
		if first, dup := out[key]; dup {
			return nil, errorf(it.file, 0, "id %s is also the id of %s", key, first.file)
		}
		out[key] = it
	}
	return out, nil
}

// link finds the item a reference names, or says which folder lacks it.
func link[T any](byID map[string]*item[T], file, field, ref, folder string) (*item[T], error) {
	if it, ok := byID[clean(ref)]; ok {
		return it, nil
	}
	return nil, errorf(file, 0, "%s %s is not the id of any file in %s", field, clean(ref), folder)
}

// sammQ is one question placed in the model: its practice, stream, level.
type sammQ struct {
	q        *item[sammQuestion]
	act      *item[sammActivity]
	stream   *item[sammStream]
	practice *item[sammPractice]
	set      *item[sammAnswerSet]
	level    int
}

func importSAMM(path string, opt Options) (*Result, error) {
	m, err := loadSAMM(path)
	if err != nil {
		return nil, err
	}
	functions, err := index(m.functions, func(v *sammFunction) string { return v.ID })
	if err != nil {
		return nil, err
	}
	practices, err := index(m.practices, func(v *sammPractice) string { return v.ID })
	if err != nil {
		return nil, err
	}
	streams, err := index(m.streams, func(v *sammStream) string { return v.ID })
	if err != nil {
		return nil, err
	}
	maturity, err := index(m.maturity, func(v *sammMaturity) string { return v.ID })
	if err != nil {
		return nil, err
	}
	plevels, err := index(m.plevels, func(v *sammPracticeLevel) string { return v.ID })
	if err != nil {
		return nil, err
	}
	activities, err := index(m.activities, func(v *sammActivity) string { return v.ID })
	if err != nil {
		return nil, err
	}
	if _, err := index(m.questions, func(v *sammQuestion) string { return v.ID }); err != nil {
		return nil, err
	}
	answerSets, err := index(m.answerSets, func(v *sammAnswerSet) string { return v.ID })
	if err != nil {
		return nil, err
	}

	// The scale: maturity levels numbered 1..K, below them level 0.
	top := 0
	numbers := map[int]*item[sammMaturity]{}
	for i := range m.maturity {
		ml := &m.maturity[i]
		if ml.v.Number < 1 {
			return nil, errorf(ml.file, 0, "number must be a maturity level from 1, got %d", ml.v.Number)
		}
		if other, dup := numbers[ml.v.Number]; dup {
			return nil, errorf(ml.file, 0, "number %d is also the number of %s", ml.v.Number, other.file)
		}
		numbers[ml.v.Number] = ml
		top = max(top, ml.v.Number)
	}
	for n := 1; n <= top; n++ {
		if numbers[n] == nil {
			return nil, errorf(filepath.Join(m.dir, "maturity_levels"), 0, "no maturity level numbered %d (the levels go up to %d)", n, top)
		}
	}
	for i := range m.practices {
		p := &m.practices[i]
		if _, err := link(functions, p.file, "function", p.v.Function, "business_functions"); err != nil {
			return nil, err
		}
	}
	for i := range m.streams {
		s := &m.streams[i]
		if _, err := link(practices, s.file, "practice", s.v.Practice, "security_practices"); err != nil {
			return nil, err
		}
		if slugify(s.v.Letter) == "" {
			return nil, errorf(s.file, 0, "letter %q is not a stream letter such as A or B", s.v.Letter)
		}
	}
	objectives := map[string]map[int]string{} // practice id -> level -> objective
	for i := range m.plevels {
		pl := &m.plevels[i]
		if _, err := link(practices, pl.file, "practice", pl.v.Practice, "security_practices"); err != nil {
			return nil, err
		}
		ml, err := link(maturity, pl.file, "maturityLevel", pl.v.MaturityLevel, "maturity_levels")
		if err != nil {
			return nil, err
		}
		pid := clean(pl.v.Practice)
		if objectives[pid] == nil {
			objectives[pid] = map[int]string{}
		}
		objectives[pid][ml.v.Number] = clean(pl.v.Objective)
	}

	var placed []sammQ
	for i := range m.questions {
		q := &m.questions[i]
		act, err := link(activities, q.file, "activity", q.v.Activity, "activities")
		if err != nil {
			return nil, err
		}
		set, err := link(answerSets, q.file, "answerSet", q.v.AnswerSet, "answer_sets")
		if err != nil {
			return nil, err
		}
		if len(set.v.Values) < 2 {
			return nil, errorf(set.file, 0, "values: an answer set needs at least 2 answers, got %d", len(set.v.Values))
		}
		for _, v := range set.v.Values {
			if clean(v.Text) == "" || v.Value == nil {
				return nil, errorf(set.file, 0, "values: every answer needs a text and a value")
			}
		}
		st, err := link(streams, act.file, "stream", act.v.Stream, "streams")
		if err != nil {
			return nil, err
		}
		pl, err := link(plevels, act.file, "level", act.v.Level, "practice_levels")
		if err != nil {
			return nil, err
		}
		if clean(pl.v.Practice) != clean(st.v.Practice) {
			return nil, errorf(act.file, 0, "level %s is a level of another practice than its stream's", clean(act.v.Level))
		}
		pr := practices[clean(st.v.Practice)]
		placed = append(placed, sammQ{q: q, act: act, stream: st, practice: pr, set: set, level: maturity[clean(pl.v.MaturityLevel)].v.Number})
	}
	return buildSAMM(m, functions, placed, objectives, top, opt)
}

func buildSAMM(m *sammModel, functions map[string]*item[sammFunction], placed []sammQ, objectives map[string]map[int]string, top int, opt Options) (*Result, error) {
	res := &Result{}
	doc := &document{
		Key:         cmp.Or(opt.Key, "owasp-samm"),
		Version:     cmp.Or(opt.Version, contentVersion(m.files)),
		Title:       "OWASP SAMM",
		Description: "OWASP Software Assurance Maturity Model, converted from the model files of a local copy: business functions are areas, security practices dimensions, and streams A and B the groups of each practice's questions.",
		Framework:   "OWASP SAMM",
		Scale:       "level",
		Scoring:     "samm",
		Origin:      "imported",
		Source:      "OWASP SAMM core model (https://github.com/owaspsamm/core)",
		License:     "CC-BY-SA-4.0",
		Attribution: "OWASP SAMM by the OWASP Foundation and the SAMM project team, licensed under CC BY-SA 4.0; converted to gapmap's format by gapmap questionnaires import.",
	}
	doc.Levels = []level{{0, "Level 0", "Below the first maturity level: its activities are not in place."}}
	for n := 1; n <= top; n++ {
		for i := range m.maturity {
			if m.maturity[i].v.Number == n {
				doc.Levels = append(doc.Levels, level{n, fmt.Sprintf("Level %d", n), clean(m.maturity[i].v.Description)})
			}
		}
	}

	// Practices in function order, then their own order; questions by
	// level, stream and their order.
	sortedFunctions := make([]*item[sammFunction], 0, len(functions))
	for i := range m.functions {
		sortedFunctions = append(sortedFunctions, &m.functions[i])
	}
	slices.SortStableFunc(sortedFunctions, func(a, b *item[sammFunction]) int { return cmp.Compare(a.v.Order, b.v.Order) })
	slices.SortStableFunc(placed, func(a, b sammQ) int {
		return cmp.Or(cmp.Compare(a.level, b.level), cmp.Compare(a.stream.v.Order, b.stream.v.Order),
			cmp.Compare(strings.ToUpper(clean(a.stream.v.Letter)), strings.ToUpper(clean(b.stream.v.Letter))), cmp.Compare(a.q.v.Order, b.q.v.Order))
	})
	byPractice := map[string][]sammQ{}
	for _, p := range placed {
		id := clean(p.practice.v.ID)
		byPractice[id] = append(byPractice[id], p)
	}

	areaKeys, dimKeys, questionKeys, recKeys := slugger{}, slugger{}, slugger{}, slugger{}
	for _, f := range sortedFunctions {
		var practices []*item[sammPractice]
		for i := range m.practices {
			if clean(m.practices[i].v.Function) == clean(f.v.ID) {
				practices = append(practices, &m.practices[i])
			}
		}
		slices.SortStableFunc(practices, func(a, b *item[sammPractice]) int { return cmp.Compare(a.v.Order, b.v.Order) })
		a := area{Key: areaKeys.make(f.v.Name, "function"), Title: clean(f.v.Name), Description: clean(f.v.Description)}
		for _, p := range practices {
			qs := byPractice[clean(p.v.ID)]
			if len(qs) == 0 {
				res.Notes = append(res.Notes, fmt.Sprintf("%s: practice %q has no questions and was left out", p.file, clean(p.v.Name)))
				continue
			}
			d := sammDimension(p, qs, objectives[clean(p.v.ID)], doc.Levels, f, dimKeys, questionKeys, recKeys, &doc.Recommendations)
			a.Dimensions = append(a.Dimensions, d.Key)
			doc.Dimensions = append(doc.Dimensions, d)
		}
		if len(a.Dimensions) == 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("%s: business function %q has no practice with questions and was left out", f.file, clean(f.v.Name)))
			continue
		}
		doc.Areas = append(doc.Areas, a)
	}
	if len(doc.Dimensions) == 0 {
		return nil, errorf(filepath.Join(m.dir, "questions"), 0, "no question belongs to a practice of a business function")
	}
	out, err := doc.encode()
	if err != nil {
		return nil, err
	}
	res.YAML = out
	return res, nil
}

// sammDimension converts one practice: its streams become groups, each
// question an option list from its answer set, and each activity a
// recommendation to reach its level.
func sammDimension(p *item[sammPractice], qs []sammQ, objectives map[int]string, levels []level, f *item[sammFunction],
	dimKeys, questionKeys, recKeys slugger, recs *[]recommendation) dimension {
	d := dimension{
		Key:         dimKeys.make(p.v.Name, "practice"),
		Title:       clean(p.v.Name),
		Description: or(p.v.ShortDescription, p.v.LongDescription, "A security practice of "+clean(f.v.Name)+"."),
	}
	if len(objectives) == len(levels)-1 {
		for _, l := range levels {
			desc := l.Description
			if l.Level > 0 {
				desc = or(objectives[l.Level], desc)
			}
			d.Levels = append(d.Levels, level{l.Level, l.Name, desc})
		}
	}
	short := slugify(p.v.ShortName)
	if short == "" {
		short = d.Key
	}
	prefix := slugify(string([]rune(clean(f.v.Name))[:1])) + "-" + short
	seenGroup := map[string]bool{}
	var groups []group
	activityRec := map[string]string{} // activity id -> recommendation key
	streamAt := map[string]string{}    // stream id + level -> recommendation key
	for _, x := range qs {
		g := slugify(x.stream.v.Letter)
		if !seenGroup[g] {
			seenGroup[g] = true
			groups = append(groups, group{g, clean(x.stream.v.Name)})
		}
		base := fmt.Sprintf("%s-%d-%s", prefix, x.level, g)
		q := question{
			Key:   questionKeys.make(base, "question"),
			Group: g,
			Level: ptr(x.level),
			Text:  clean(x.q.v.Text),
			Help:  sammHelp(x),
		}
		q.Options = sammOptions(x.set, len(levels)-1)
		d.Questions = append(d.Questions, q)

		aid := clean(x.act.v.ID)
		if _, done := activityRec[aid]; done {
			continue
		}
		r := recommendation{
			Key:       recKeys.make("do-"+base, "activity"),
			Dimension: d.Key,
			ToLevel:   x.level,
			Title:     clean(x.act.v.Title),
			Detail:    or(x.act.v.ShortDescription, x.act.v.Benefit, x.act.v.Title),
			Impact:    defaultImpact,
			Effort:    defaultEffort,
		}
		if prev, ok := streamAt[fmt.Sprintf("%s/%d", clean(x.stream.v.ID), x.level-1)]; ok {
			r.Requires = []string{prev}
		}
		activityRec[aid] = r.Key
		streamAt[fmt.Sprintf("%s/%d", clean(x.stream.v.ID), x.level)] = r.Key
		*recs = append(*recs, r)
	}
	slices.SortStableFunc(groups, func(a, b group) int { return cmp.Compare(a.Key, b.Key) })
	d.Groups = groups
	return d
}

// sammHelp is the question's quality criteria, or else its activity's
// description.
func sammHelp(x sammQ) string {
	var lines []string
	for _, c := range x.q.v.Quality {
		if c = clean(c); c != "" {
			lines = append(lines, "- "+c)
		}
	}
	if len(lines) > 0 {
		return "Quality criteria:\n" + strings.Join(lines, "\n")
	}
	return or(x.act.v.ShortDescription, x.act.v.Benefit)
}

// sammOptions lists the answer set's answers in their order, each worth its
// value, on levels spread from 0 to the top of the scale.
func sammOptions(set *item[sammAnswerSet], top int) []option {
	values := slices.Clone(set.v.Values)
	slices.SortStableFunc(values, func(a, b sammAnswer) int { return cmp.Compare(a.Order, b.Order) })
	keys := slugger{}
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{
			Key:   keys.make(v.Text, fmt.Sprintf("answer-%d", i+1)),
			Level: (i*top + (len(values)-1)/2) / (len(values) - 1),
			Value: ptr(*v.Value),
			Label: clean(v.Text),
		}
	}
	return out
}
