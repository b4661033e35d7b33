package questionnaires

import (
	"fmt"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// DefaultLanguage is the language of a questionnaire that does not state
// one: its texts outside `translations` are English.
const DefaultLanguage = "en"

// Translation holds the texts of a questionnaire in one more language. Every
// part is optional: a text it does not give falls back to the file's own.
// Maps are keyed by the keys of the questionnaire (levels by their number,
// options by their key, which is l<level> when the file gives none). The
// yaml tags give the file format, for tools that write translations.
type Translation struct {
	Title           string                        `json:"title,omitempty" yaml:"title,omitempty"`
	Description     string                        `json:"description,omitempty" yaml:"description,omitempty"`
	Levels          map[int]LevelText             `json:"levels,omitempty" yaml:"levels,omitempty"`
	Areas           map[string]AreaText           `json:"areas,omitempty" yaml:"areas,omitempty"`
	Dimensions      map[string]DimensionText      `json:"dimensions,omitempty" yaml:"dimensions,omitempty"`
	Questions       map[string]QuestionText       `json:"questions,omitempty" yaml:"questions,omitempty"`
	Recommendations map[string]RecommendationText `json:"recommendations,omitempty" yaml:"recommendations,omitempty"`
}

// LevelText is a level's name and description in another language.
type LevelText struct {
	Name        string `json:"name,omitempty" yaml:"name,omitempty"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
}

// AreaText is an area's title and description in another language.
type AreaText struct {
	Title       string `json:"title,omitempty" yaml:"title,omitempty"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
}

// DimensionText is a dimension's texts in another language: its title and
// description, its own level names and its group titles.
type DimensionText struct {
	Title       string            `json:"title,omitempty" yaml:"title,omitempty"`
	Description string            `json:"description,omitempty" yaml:"description,omitempty"`
	Levels      map[int]LevelText `json:"levels,omitempty" yaml:"levels,omitempty"`
	Groups      map[string]string `json:"groups,omitempty" yaml:"groups,omitempty"`
}

// QuestionText is a question's texts in another language: text, help, the
// unit of a number question and option labels by option key.
type QuestionText struct {
	Text    string            `json:"text,omitempty" yaml:"text,omitempty"`
	Help    string            `json:"help,omitempty" yaml:"help,omitempty"`
	Unit    string            `json:"unit,omitempty" yaml:"unit,omitempty"`
	Options map[string]string `json:"options,omitempty" yaml:"options,omitempty"`
}

// RecommendationText is a recommendation's title and detail in another language.
type RecommendationText struct {
	Title  string `json:"title,omitempty" yaml:"title,omitempty"`
	Detail string `json:"detail,omitempty" yaml:"detail,omitempty"`
}

// SourceLanguage returns the language of the file's own texts: its
// `language`, else DefaultLanguage.
func (q *Questionnaire) SourceLanguage() string {
	if q.Language == "" {
		return DefaultLanguage
	}
	return q.Language
}

// Lang returns the language q's texts are in: the source language, or the
// language Localized chose.
func (q *Questionnaire) Lang() string {
	if q.shown != "" {
		return q.shown
	}
	return q.SourceLanguage()
}

// Languages lists the languages q offers: its source language first, then
// its translations in tag order.
func (q *Questionnaire) Languages() []string {
	out := []string{q.SourceLanguage()}
	for tag := range q.Translations {
		out = append(out, tag)
	}
	slices.Sort(out[1:])
	return out
}

// translationFor finds the translation that serves lang: the tag itself,
// else its nearest parent (de-CH → de). It returns "" when the source
// language serves or no translation does.
func (q *Questionnaire) translationFor(lang string) string {
	tag, err := language.Parse(lang)
	if err != nil {
		return ""
	}
	src, _ := language.Parse(q.SourceLanguage())
	for ; !tag.IsRoot(); tag = tag.Parent() {
		if tag == src {
			return ""
		}
		if _, ok := q.Translations[tag.String()]; ok {
			return tag.String()
		}
	}
	return ""
}

// Localized returns q with its texts in lang where a translation gives
// them and the source texts elsewhere. Keys, numbers and weights are those
// of q, so scoring a localized questionnaire gives the same results. It
// returns q itself when lang is its source language or it has no
// translation for lang; q is never modified.
func (q *Questionnaire) Localized(lang string) *Questionnaire {
	tag := q.translationFor(lang)
	if tag == "" {
		return q
	}
	tr := q.Translations[tag]
	c := *q
	c.shown = tag
	c.Title = pick(tr.Title, q.Title)
	c.Description = pick(tr.Description, q.Description)
	c.Levels = localLevels(q.Levels, tr.Levels)
	c.Areas = slices.Clone(q.Areas)
	for i := range c.Areas {
		a, t := &c.Areas[i], tr.Areas[c.Areas[i].Key]
		a.Title, a.Description = pick(t.Title, a.Title), pick(t.Description, a.Description)
	}
	c.Dimensions = slices.Clone(q.Dimensions)
	for i := range c.Dimensions {
		d := &c.Dimensions[i]
		dt := tr.Dimensions[d.Key]
		d.Title, d.Description = pick(dt.Title, d.Title), pick(dt.Description, d.Description)
		d.Levels = localLevels(d.Levels, dt.Levels)
		d.Groups = slices.Clone(d.Groups)
		for j := range d.Groups {
			d.Groups[j].Title = pick(dt.Groups[d.Groups[j].Key], d.Groups[j].Title)
		}
		d.Questions = slices.Clone(d.Questions)
		for j := range d.Questions {
			qu := &d.Questions[j]
			qt := tr.Questions[qu.Key]
			qu.Text, qu.Help, qu.Unit = pick(qt.Text, qu.Text), pick(qt.Help, qu.Help), pick(qt.Unit, qu.Unit)
			qu.Options = slices.Clone(qu.Options)
			for k := range qu.Options {
				qu.Options[k].Label = pick(qt.Options[qu.Options[k].Key], qu.Options[k].Label)
			}
		}
	}
	c.Recommendations = slices.Clone(q.Recommendations)
	for i := range c.Recommendations {
		r := &c.Recommendations[i]
		rt := tr.Recommendations[r.Key]
		r.Title, r.Detail = pick(rt.Title, r.Title), pick(rt.Detail, r.Detail)
	}
	return &c
}

func pick(translated, source string) string {
	if translated != "" {
		return translated
	}
	return source
}

func localLevels(levels []Level, tr map[int]LevelText) []Level {
	out := slices.Clone(levels)
	for i := range out {
		t := tr[out[i].Level]
		out[i].Name, out[i].Description = pick(t.Name, out[i].Name), pick(t.Description, out[i].Description)
	}
	return out
}

// languageTag decodes a BCP 47 tag, which must be known and written in its
// canonical form (pt-BR, not pt-br or pt_BR).
func (p *parser) languageTag(dst *string) decodeFunc {
	return func(n *yaml.Node, path string) bool {
		var s string
		if !p.text(&s)(n, path) {
			return false
		}
		tag, ok := p.checkTag(s, n.Line, path)
		if ok {
			*dst = tag
		}
		return ok
	}
}

func (p *parser) checkTag(s string, line int, path string) (string, bool) {
	tag, err := language.Parse(s)
	if err != nil || tag.IsRoot() {
		p.errorf(line, path, "%q is not a known BCP 47 language tag (such as en, de or pt-BR)", s)
		return "", false
	}
	if tag.String() != s {
		p.errorf(line, path, "write the language tag %q as %q", s, tag.String())
		return "", false
	}
	return s, true
}

// dict decodes a mapping whose keys are names chosen by the file (keys of
// the questionnaire, level numbers, language tags), each value with item.
func dict[K comparable, V any](p *parser, dst *map[K]V, key func(k *yaml.Node, path string) (K, bool), item func(n *yaml.Node, path string, v *V) bool) decodeFunc {
	return func(n *yaml.Node, path string) bool {
		if !p.kind(n, path, yaml.MappingNode, "a mapping") {
			return false
		}
		*dst = make(map[K]V, len(n.Content)/2)
		p.entries(n, path, func(k, v *yaml.Node, ep string) {
			p.lines[ep] = k.Line
			kv, ok := key(k, ep)
			if !ok {
				p.bad[ep] = true
				return
			}
			var val V
			if !item(v, ep, &val) {
				p.bad[ep] = true
			}
			(*dst)[kv] = val
		})
		return true
	}
}

func (p *parser) nameKey(k *yaml.Node, path string) (string, bool) {
	if !isSlug(k.Value) {
		p.errorf(k.Line, path, "%q is not a key of this questionnaire", k.Value)
		return "", false
	}
	return k.Value, true
}

func (p *parser) levelKey(k *yaml.Node, path string) (int, bool) {
	n, err := strconv.Atoi(k.Value)
	if err != nil || k.ShortTag() != "!!int" {
		p.errorf(k.Line, path, "levels are translated by their number, got %q", k.Value)
		return 0, false
	}
	return n, true
}

func (p *parser) tagKey(k *yaml.Node, path string) (string, bool) {
	return p.checkTag(k.Value, k.Line, path)
}

func (p *parser) translations(dst *map[string]*Translation) decodeFunc {
	return dict(p, dst, p.tagKey, func(n *yaml.Node, path string, t **Translation) bool {
		*t = &Translation{}
		return p.translation(n, path, *t)
	})
}

func (p *parser) translation(n *yaml.Node, path string, t *Translation) bool {
	return p.mapping(n, path,
		opt("title", p.text(&t.Title)),
		opt("description", p.text(&t.Description)),
		opt("levels", dict(p, &t.Levels, p.levelKey, p.levelText)),
		opt("areas", dict(p, &t.Areas, p.nameKey, func(n *yaml.Node, path string, a *AreaText) bool {
			return p.mapping(n, path, opt("title", p.text(&a.Title)), opt("description", p.text(&a.Description)))
		})),
		opt("dimensions", dict(p, &t.Dimensions, p.nameKey, func(n *yaml.Node, path string, d *DimensionText) bool {
			return p.mapping(n, path,
				opt("title", p.text(&d.Title)),
				opt("description", p.text(&d.Description)),
				opt("levels", dict(p, &d.Levels, p.levelKey, p.levelText)),
				opt("groups", dict(p, &d.Groups, p.nameKey, func(n *yaml.Node, path string, s *string) bool { return p.text(s)(n, path) })),
			)
		})),
		opt("questions", dict(p, &t.Questions, p.nameKey, func(n *yaml.Node, path string, q *QuestionText) bool {
			return p.mapping(n, path,
				opt("text", p.text(&q.Text)),
				opt("help", p.text(&q.Help)),
				opt("unit", p.text(&q.Unit)),
				opt("options", dict(p, &q.Options, p.nameKey, func(n *yaml.Node, path string, s *string) bool { return p.text(s)(n, path) })),
			)
		})),
		opt("recommendations", dict(p, &t.Recommendations, p.nameKey, func(n *yaml.Node, path string, r *RecommendationText) bool {
			return p.mapping(n, path, opt("title", p.text(&r.Title)), opt("detail", p.text(&r.Detail)))
		})),
	)
}

func (p *parser) levelText(n *yaml.Node, path string, l *LevelText) bool {
	return p.mapping(n, path, opt("name", p.text(&l.Name)), opt("description", p.text(&l.Description)))
}

// checkTranslations reports every translated text whose key the
// questionnaire does not have. Missing translations are fine: they fall back.
func (p *parser) checkTranslations(q *Questionnaire) {
	if len(q.Translations) == 0 {
		return
	}
	src := q.SourceLanguage()
	levels := map[int]bool{}
	for _, l := range q.Levels {
		levels[l.Level] = true
	}
	for _, tag := range sortedKeys(q.Translations) {
		tr, tp := q.Translations[tag], "translations."+tag
		if tag == src {
			p.check(tp, false, "%s is the file's own language: its texts are the fields themselves", tag)
			continue
		}
		p.unknownLevels(tp+".levels", tr.Levels, levels)
		for _, key := range sortedKeys(tr.Areas) {
			p.check(tp+".areas."+key, slices.ContainsFunc(q.Areas, func(a Area) bool { return a.Key == key }), "unknown area %q", key)
		}
		for _, key := range sortedKeys(tr.Dimensions) {
			dp := tp + ".dimensions." + key
			d, ok := q.Dimension(key)
			if !ok {
				p.check(dp, false, "unknown dimension %q", key)
				continue
			}
			dt := tr.Dimensions[key]
			p.check(dp+".levels", len(dt.Levels) == 0 || len(d.Levels) > 0, "dimension %q has no levels of its own: translate the questionnaire's levels instead", key)
			p.unknownLevels(dp+".levels", dt.Levels, levels)
			for _, g := range sortedKeys(dt.Groups) {
				p.check(dp+".groups."+g, slices.ContainsFunc(d.Groups, func(x Group) bool { return x.Key == g }), "unknown group %q of dimension %q", g, key)
			}
		}
		for _, key := range sortedKeys(tr.Questions) {
			qp := tp + ".questions." + key
			_, qu, ok := q.Question(key)
			if !ok {
				p.check(qp, false, "unknown question %q", key)
				continue
			}
			qt := tr.Questions[key]
			p.check(qp+".unit", qt.Unit == "" || qu.Type == TypeNumber, "only number questions have a unit (%q is not one)", key)
			for _, o := range sortedKeys(qt.Options) {
				_, known := qu.Option(o)
				p.check(qp+".options."+o, known, "unknown option %q of question %q (options without a key are l1, l2, …)", o, key)
			}
		}
		for _, key := range sortedKeys(tr.Recommendations) {
			p.check(tp+".recommendations."+key, slices.ContainsFunc(q.Recommendations, func(r Recommendation) bool { return r.Key == key }), "unknown recommendation %q", key)
		}
	}
}

func (p *parser) unknownLevels(path string, tr map[int]LevelText, levels map[int]bool) {
	for _, l := range sortedKeys(tr) {
		p.check(fmt.Sprintf("%s.%d", path, l), levels[l], "unknown level %d", l)
	}
}

func sortedKeys[K interface{ ~int | ~string }, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
