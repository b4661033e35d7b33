// Package importer converts a user's own copy of a published maturity
// model's source files into a gapmap questionnaire (YAML), scored by the
// model's own method:
//
//   - samm: a checkout of owaspsamm/core, or its model/ folder. Business
//     functions become areas, security practices dimensions, streams A and B
//     groups, and each question's answer set its options (values 0, 0.25,
//     0.5, 1); scoring samm on levels 0..3.
//   - dsomm: the DevSecOps-MaturityModel-data generated/model.yaml.
//     Dimensions become areas, sub-dimensions dimensions, and each activity a
//     yes/no question of its level; scoring activities on levels 0..5 with a
//     pass ratio of 1, so the level reached is the highest level whose
//     activities (and those of every level below) are all done.
//   - pemm: one or more pemm-assessment questions-<lang>.yaml files. Aspects
//     become dimensions, each answer an option worth its value 1..4; scoring
//     mean, so a dimension's score is the aspect mean of the source's tool.
//
// gapmap ships none of these models' texts: every text of the output comes
// from the files given, except the few connecting sentences written here.
// The package is pure: it reads the files it is given and returns bytes.
package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"gapmap/questionnaires"
)

// The sources Import understands.
const (
	SAMM  = "samm"
	DSOMM = "dsomm"
	PEMM  = "pemm"
)

// Sources lists the values of --from, in the order the help text gives them.
func Sources() []string { return []string{SAMM, DSOMM, PEMM} }

// Options overrides parts of the generated questionnaire.
type Options struct {
	Key     string // questionnaire key; each source has a default
	Version string // questionnaire version; default from the source, or a hash of its files
}

// Result is one converted questionnaire.
type Result struct {
	YAML []byte
	// Questionnaire is YAML, loaded.
	Questionnaire *questionnaires.Questionnaire
	// Notes are things the conversion could not carry over, one sentence
	// each (such as translations the format cannot hold yet).
	Notes []string
}

// Error is a problem with one input file: what is wrong, and where. Its
// message is one line.
type Error struct {
	File string
	Line int // 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, oneLine(e.Msg))
	}
	return fmt.Sprintf("%s: %s", e.File, oneLine(e.Msg))
}

func errorf(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Import converts the files at paths, read as the source from, into a
// questionnaire, and checks that the result loads. Errors are *Error when
// an input is at fault.
func Import(from string, paths []string, opt Options) (*Result, error) {
	res, err := convert(from, paths, opt)
	if err != nil {
		return nil, err
	}
	q, err := questionnaires.Parse(from+".yaml", res.YAML)
	if err != nil {
		var errs questionnaires.ValidationErrors
		if errors.As(err, &errs) && len(errs) > 0 {
			return nil, fmt.Errorf("the converted questionnaire does not load (%d problems), first: %s", errs.Count(), errs[0].Error())
		}
		return nil, fmt.Errorf("the converted questionnaire does not load: %w", err)
	}
	res.Questionnaire = q
	return res, nil
}

func convert(from string, paths []string, opt Options) (*Result, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("no input: give the path of the %s source files", from)
	}
	switch from {
	case SAMM:
		if len(paths) != 1 {
			return nil, fmt.Errorf("samm takes one path (a checkout of owaspsamm/core or its model/ folder), got %d", len(paths))
		}
		return importSAMM(paths[0], opt)
	case DSOMM:
		if len(paths) != 1 {
			return nil, fmt.Errorf("dsomm takes one path (generated/model.yaml), got %d", len(paths))
		}
		return importDSOMM(paths[0], opt)
	case PEMM:
		return importPEMM(paths, opt)
	}
	return nil, fmt.Errorf("unknown source %q: want %s", from, strings.Join(Sources(), ", "))
}

// The output document, in the field order of the format reference.
type document struct {
	Key             string           `yaml:"key"`
	Version         string           `yaml:"version"`
	Title           string           `yaml:"title"`
	Description     string           `yaml:"description"`
	Framework       string           `yaml:"framework"`
	Scale           string           `yaml:"scale"`
	Scoring         string           `yaml:"scoring"`
	Origin          string           `yaml:"origin"`
	PassRatio       *float64         `yaml:"pass_ratio,omitempty"`
	Source          string           `yaml:"source,omitempty"`
	License         string           `yaml:"license,omitempty"`
	Attribution     string           `yaml:"attribution,omitempty"`
	Language        string           `yaml:"language,omitempty"`
	Levels          []level          `yaml:"levels"`
	Areas           []area           `yaml:"areas,omitempty"`
	Dimensions      []dimension      `yaml:"dimensions"`
	Recommendations []recommendation `yaml:"recommendations,omitempty"`
	// Translations are the texts of the source's other language files.
	Translations map[string]questionnaires.Translation `yaml:"translations,omitempty"`
}

type level struct {
	Level       int    `yaml:"level"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
}

type area struct {
	Key         string   `yaml:"key"`
	Title       string   `yaml:"title"`
	Description string   `yaml:"description,omitempty"`
	Dimensions  []string `yaml:"dimensions"`
}

type group struct {
	Key   string `yaml:"key"`
	Title string `yaml:"title"`
}

type dimension struct {
	Key         string     `yaml:"key"`
	Title       string     `yaml:"title"`
	Description string     `yaml:"description"`
	Levels      []level    `yaml:"levels,omitempty"`
	Groups      []group    `yaml:"groups,omitempty"`
	Questions   []question `yaml:"questions"`
}

type question struct {
	Key     string   `yaml:"key"`
	Group   string   `yaml:"group,omitempty"`
	Level   *int     `yaml:"level,omitempty"`
	Text    string   `yaml:"text"`
	Help    string   `yaml:"help,omitempty"`
	Options []option `yaml:"options"`
}

type option struct {
	Key   string   `yaml:"key"`
	Level int      `yaml:"level"`
	Value *float64 `yaml:"value,omitempty"`
	Label string   `yaml:"label"`
}

type recommendation struct {
	Key       string   `yaml:"key"`
	Dimension string   `yaml:"dimension"`
	ToLevel   int      `yaml:"to_level"`
	Title     string   `yaml:"title"`
	Detail    string   `yaml:"detail"`
	Impact    int      `yaml:"impact"`
	Effort    int      `yaml:"effort"`
	Requires  []string `yaml:"requires,omitempty"`
}

// Impact and effort of a recommendation made from a model's activity: the
// models give none, so every one is the neutral middle of 1..3.
const (
	defaultImpact = 2
	defaultEffort = 2
)

func (d *document) encode() ([]byte, error) {
	var b strings.Builder
	b.WriteString("# Converted by gapmap questionnaires import from the user's copy of the model's\n# source files. See the source, license and attribution fields below.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("encode questionnaire: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode questionnaire: %w", err)
	}
	return []byte(b.String()), nil
}

func ptr[T any](v T) *T { return &v }

// clean trims a text from a source file and drops the control characters a
// questionnaire may not hold (all but tab and line feed).
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
	return strings.TrimSpace(s)
}

// or returns the first non-empty text.
func or(texts ...string) string {
	for _, t := range texts {
		if t = clean(t); t != "" {
			return t
		}
	}
	return ""
}

// slugger makes unique slugs (lowercase letters and digits in words joined
// by single hyphens, at most 64 characters) from a model's names and ids.
type slugger map[string]bool

const maxSlug = 64

func (s slugger) make(name, fallback string) string {
	base := slugify(name)
	if base == "" {
		base = fallback
	}
	key := base
	for n := 2; s[key]; n++ {
		suffix := fmt.Sprintf("-%d", n)
		key = strings.TrimRight(trimTo(base, maxSlug-len(suffix)), "-") + suffix
	}
	s[key] = true
	return key
}

func slugify(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		default:
			hyphen = true
		}
	}
	return strings.TrimRight(trimTo(b.String(), maxSlug), "-")
}

func trimTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// contentVersion is a version for a source that states none: a short hash
// of its files, so the same files always give the same version.
func contentVersion(files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(files[n]))
		h.Write(files[n])
	}
	return "sha256-" + hex.EncodeToString(h.Sum(nil))[:12]
}

// yamlError turns a YAML decoding error into one of the file, with its line
// when the library gives one.
func yamlError(file string, err error) *Error {
	msg, line := strings.TrimPrefix(err.Error(), "yaml: "), 0
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = strings.TrimSpace(te.Errors[0])
	}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ": "); ok {
			if _, e := fmt.Sscanf(num, "%d", &line); e == nil {
				msg = tail
			}
		}
	}
	return errorf(file, line, "invalid YAML: %s", msg)
}
