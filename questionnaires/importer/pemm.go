package importer

import (
	"cmp"
	"fmt"
	"gapmap/questionnaires"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// pemmFile is the part of a pemm-assessment questions-<lang>.yaml the
// conversion reads.
type pemmFile struct {
	Metadata struct {
		Title    string `yaml:"title"`
		Language string `yaml:"language"`
	} `yaml:"metadata"`
	Categories []pemmCategory `yaml:"categories"`
}

type pemmCategory struct {
	ID        string         `yaml:"id"`
	Name      string         `yaml:"name"`
	Order     int            `yaml:"order"`
	Questions []pemmQuestion `yaml:"questions"`
}

type pemmQuestion struct {
	ID        string       `yaml:"id"`
	Text      string       `yaml:"text"`
	FieldName string       `yaml:"field_name"`
	Options   []pemmOption `yaml:"options"`
}

type pemmOption struct {
	Value       *int   `yaml:"value"`
	Level       string `yaml:"level"`
	Description string `yaml:"description"`
}

type pemmInput struct {
	file string
	lang string
	v    pemmFile
}

func readPEMM(file string) (*pemmInput, []byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, errorf(file, 0, "cannot read: %v", unwrapPathError(err))
	}
	in := &pemmInput{file: file}
	if err := yaml.Unmarshal(data, &in.v); err != nil {
		return nil, nil, yamlError(file, err)
	}
	in.lang = clean(in.v.Metadata.Language)
	if in.lang == "" {
		name := filepath.Base(file)
		if rest, ok := strings.CutPrefix(name, "questions-"); ok {
			in.lang = strings.TrimSuffix(rest, filepath.Ext(rest))
		}
	}
	if in.lang == "" {
		return nil, nil, errorf(file, 0, "missing metadata.language (and the file name is not questions-<lang>.yaml)")
	}
	tag, err := language.Parse(in.lang)
	if err != nil {
		return nil, nil, errorf(file, 0, "language %q is not a BCP 47 language tag", in.lang)
	}
	in.lang = tag.String()
	if len(in.v.Categories) == 0 {
		return nil, nil, errorf(file, 0, "no categories: expected the aspects of the assessment, each with questions")
	}
	for i, c := range in.v.Categories {
		where := fmt.Sprintf("categories[%d]", i)
		if clean(c.ID) == "" || clean(c.Name) == "" {
			return nil, nil, errorf(file, 0, "%s: needs an id and a name", where)
		}
		if len(c.Questions) == 0 {
			return nil, nil, errorf(file, 0, "%s (%s): no questions", where, clean(c.ID))
		}
		for j, q := range c.Questions {
			qw := fmt.Sprintf("%s.questions[%d]", where, j)
			if clean(q.Text) == "" {
				return nil, nil, errorf(file, 0, "%s: missing text", qw)
			}
			if len(q.Options) < 2 {
				return nil, nil, errorf(file, 0, "%s: needs at least 2 options, got %d", qw, len(q.Options))
			}
			seen := map[int]bool{}
			for k, o := range q.Options {
				switch {
				case o.Value == nil:
					return nil, nil, errorf(file, 0, "%s.options[%d]: missing value", qw, k)
				case *o.Value < 0:
					return nil, nil, errorf(file, 0, "%s.options[%d]: value must be 0 or more, got %d", qw, k, *o.Value)
				case seen[*o.Value]:
					return nil, nil, errorf(file, 0, "%s.options[%d]: value %d appears twice", qw, k, *o.Value)
				case clean(o.Level) == "" && clean(o.Description) == "":
					return nil, nil, errorf(file, 0, "%s.options[%d]: needs a level or a description", qw, k)
				}
				seen[*o.Value] = true
			}
		}
	}
	return in, data, nil
}

// samePEMM checks that a translation has the base file's aspects,
// questions and answer values, in the same order.
func samePEMM(base, other *pemmInput) error {
	bc, oc := base.v.Categories, other.v.Categories
	if len(bc) != len(oc) {
		return errorf(other.file, 0, "has %d categories; %s has %d: the files must be translations of one assessment", len(oc), filepath.Base(base.file), len(bc))
	}
	for i := range bc {
		if clean(bc[i].ID) != clean(oc[i].ID) {
			return errorf(other.file, 0, "categories[%d] is %s; in %s it is %s: the files must be translations of one assessment", i, clean(oc[i].ID), filepath.Base(base.file), clean(bc[i].ID))
		}
		if len(bc[i].Questions) != len(oc[i].Questions) {
			return errorf(other.file, 0, "categories[%d] (%s) has %d questions; in %s it has %d", i, clean(oc[i].ID), len(oc[i].Questions), filepath.Base(base.file), len(bc[i].Questions))
		}
		for j := range bc[i].Questions {
			bq, oq := bc[i].Questions[j], oc[i].Questions[j]
			if pemmQuestionKey(bc[i], bq) != pemmQuestionKey(oc[i], oq) || !slices.Equal(pemmValues(bq), pemmValues(oq)) {
				return errorf(other.file, 0, "categories[%d].questions[%d] differs from %s in its field_name or answer values", i, j, filepath.Base(base.file))
			}
		}
	}
	return nil
}

func pemmValues(q pemmQuestion) []int {
	out := make([]int, len(q.Options))
	for i, o := range q.Options {
		out[i] = *o.Value
	}
	return out
}

func pemmQuestionKey(c pemmCategory, q pemmQuestion) string {
	return cmp.Or(slugify(q.FieldName), slugify(c.ID+"-"+q.ID))
}

func importPEMM(paths []string, opt Options) (*Result, error) {
	var inputs []*pemmInput
	files := map[string][]byte{}
	langs := map[string]string{}
	for _, p := range paths {
		in, data, err := readPEMM(p)
		if err != nil {
			return nil, err
		}
		if first, dup := langs[in.lang]; dup {
			return nil, errorf(p, 0, "language %q is also the language of %s", in.lang, first)
		}
		langs[in.lang] = p
		files[filepath.Base(p)] = data
		inputs = append(inputs, in)
	}
	base := inputs[0]
	for _, in := range inputs {
		if in.lang == "en" {
			base = in
			break
		}
	}
	res := &Result{}
	var names []string
	for _, in := range inputs {
		names = append(names, in.lang)
		if in == base {
			continue
		}
		if err := samePEMM(base, in); err != nil {
			return nil, err
		}
	}

	lo, hi := -1, 0
	for _, c := range base.v.Categories {
		for _, q := range c.Questions {
			for _, v := range pemmValues(q) {
				if lo < 0 || v < lo {
					lo = v
				}
				hi = max(hi, v)
			}
		}
	}
	if lo > 1 {
		lo = 1
	}
	if hi <= lo {
		return nil, errorf(base.file, 0, "every answer has value %d: the answers need values on a scale of at least 2 levels", hi)
	}
	doc := &document{
		Key:         cmp.Or(opt.Key, "pemm-assessment"),
		Version:     cmp.Or(opt.Version, contentVersion(files)),
		Title:       or(base.v.Metadata.Title, "Platform Engineering Maturity Model assessment"),
		Description: fmt.Sprintf("The CNCF Platform Engineering Maturity Model assessment, converted from a local copy of its question files (%s). Each aspect's score is the mean of its answers' values, as in the assessment's own tool.", strings.Join(names, ", ")),
		Framework:   "CNCF PEMM",
		Scale:       "level",
		Scoring:     "mean",
		Origin:      "imported",
		Source:      "CNCF Platform Engineering Maturity Model assessment (https://github.com/Cloud-Native-Platform-Engineering/pemm-assessment)",
		License:     "Apache-2.0",
		Language:    base.lang,
		Attribution: "Platform Engineering Maturity Model assessment by the CNCF platform engineering community, licensed under Apache-2.0; converted to gapmap's format by gapmap questionnaires import.",
	}
	for n := lo; n <= hi; n++ {
		desc := fmt.Sprintf("The aspect's answers average %d or more, below %d.", n, n+1)
		if n == hi {
			desc = fmt.Sprintf("Every answer of the aspect is at %d.", n)
		}
		doc.Levels = append(doc.Levels, level{n, fmt.Sprintf("Level %d", n), desc})
	}
	res.Notes = append(res.Notes, fmt.Sprintf("%s: the files name no levels per aspect, only per answer: the levels are named Level %d to Level %d", base.file, lo, hi))

	dimOf, questionOf := map[string]string{}, map[string]string{} // category id, question key in the files → key in gapmap
	cats := slices.Clone(base.v.Categories)
	slices.SortStableFunc(cats, func(a, b pemmCategory) int { return cmp.Compare(a.Order, b.Order) })
	dimKeys, questionKeys := slugger{}, slugger{}
	for _, c := range cats {
		dimOf[c.ID] = dimKeys.make(c.ID, "aspect")
		d := dimension{
			Key:         dimOf[c.ID],
			Title:       clean(c.Name),
			Description: fmt.Sprintf("The questions of the %s aspect.", clean(c.Name)),
		}
		for _, q := range c.Questions {
			questionOf[pemmQuestionKey(c, q)] = questionKeys.make(pemmQuestionKey(c, q), "question")
			dq := question{Key: questionOf[pemmQuestionKey(c, q)], Text: clean(q.Text)}
			opts := slices.Clone(q.Options)
			slices.SortStableFunc(opts, func(a, b pemmOption) int { return cmp.Compare(*a.Value, *b.Value) })
			for _, o := range opts {
				dq.Options = append(dq.Options, option{Key: pemmOptionKey(o), Level: *o.Value, Value: ptr(float64(*o.Value)), Label: pemmLabel(o)})
			}
			d.Questions = append(d.Questions, dq)
		}
		doc.Dimensions = append(doc.Dimensions, d)
	}
	for _, in := range inputs {
		if in != base {
			doc.Translations = map[string]questionnaires.Translation{}
			break
		}
	}
	for _, in := range inputs {
		if in == base {
			continue
		}
		tr := questionnaires.Translation{Title: clean(in.v.Metadata.Title), Dimensions: map[string]questionnaires.DimensionText{}, Questions: map[string]questionnaires.QuestionText{}}
		for _, c := range in.v.Categories {
			if name := clean(c.Name); name != "" {
				tr.Dimensions[dimOf[c.ID]] = questionnaires.DimensionText{Title: name}
			}
			for _, q := range c.Questions {
				qt := questionnaires.QuestionText{Text: clean(q.Text), Options: map[string]string{}}
				for _, o := range q.Options {
					if l := pemmLabel(o); l != "" {
						qt.Options[pemmOptionKey(o)] = l
					}
				}
				tr.Questions[questionOf[pemmQuestionKey(c, q)]] = qt
			}
		}
		doc.Translations[in.lang] = tr
	}
	out, err := doc.encode()
	if err != nil {
		return nil, err
	}
	res.YAML = out
	return res, nil
}

// pemmOptionKey is the key of an answer: v and its value.
func pemmOptionKey(o pemmOption) string { return fmt.Sprintf("v%d", *o.Value) }

// pemmLabel is an answer's label: its level name and description.
func pemmLabel(o pemmOption) string {
	label := clean(o.Level)
	if desc := clean(o.Description); desc != "" && label != "" {
		label += " — " + desc
	} else if label == "" {
		label = desc
	}
	return label
}
