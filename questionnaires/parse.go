// Package questionnaires loads and validates questionnaires written as YAML,
// and embeds the questionnaires shipped with gapmap.
package questionnaires

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxFileSize is the largest questionnaire file Parse accepts.
const MaxFileSize = 1 << 20

// DefaultPassRatio applies when a questionnaire does not set pass_ratio.
const DefaultPassRatio = 0.75

const (
	maxDepth   = 20  // YAML nesting; a valid questionnaire needs 8
	maxErrors  = 500 // errors reported for one file
	maxSlugLen = 64
)

// Parse loads one questionnaire from YAML. The file name only labels errors.
// On failure the error is a ValidationErrors holding every problem found.
// The result is never modified afterwards and is safe for concurrent readers.
func Parse(file string, data []byte) (*Questionnaire, error) {
	p := &parser{file: file, lines: map[string]int{}, bad: map[string]bool{}, aliases: map[string]bool{}}
	if len(data) > MaxFileSize {
		p.errorf(0, "", "file is %d bytes; the limit is %d (1 MiB)", len(data), MaxFileSize)
		return nil, p.result()
	}
	clean, marks, more := scanText(data)
	if clean == nil {
		clean = data
	}
	sum := sha256.Sum256(data)
	q := &Questionnaire{Hash: hex.EncodeToString(sum[:])}
	if root := p.document(clean); root != nil && p.safe(root, "", 1) {
		p.questionnaire(root, q)
		p.validate(q)
		p.checkTranslations(q)
	}
	p.reportMarks(marks)
	p.dropped += more
	if len(p.errs) > 0 || p.dropped > 0 {
		return nil, p.result()
	}
	slices.SortStableFunc(p.warns, func(a, b ValidationError) int { return a.Line - b.Line })
	q.warnings = p.warns
	q.finish()
	return q, nil
}

// parser walks one YAML document, filling a Questionnaire and collecting errors.
type parser struct {
	file     string
	errs     ValidationErrors
	warns    ValidationErrors
	imported bool // origin: imported relaxes help texts and recommendations
	dropped  int
	lines    map[string]int  // path of every field and list item present -> its line
	bad      map[string]bool // paths present but not decoded (wrong type, bad value)
	tooDeep  bool
	aliases  map[string]bool // anchor names whose alias was reported
}

func (p *parser) errorf(line int, path, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		p.dropped++
		return
	}
	p.errs = append(p.errs, ValidationError{File: p.file, Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) warnf(line int, path, format string, args ...any) {
	if len(p.warns) < maxErrors {
		p.warns = append(p.warns, ValidationError{File: p.file, Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
	}
}

// at reports an error at the line of path or of its nearest ancestor present.
func (p *parser) at(path, format string, args ...any) {
	p.errorf(p.line(path), path, format, args...)
}

func (p *parser) line(path string) int {
	for ; path != ""; path = parent(path) {
		if l, ok := p.lines[path]; ok {
			return l
		}
	}
	return 1
}

// seen reports whether the field at path is present and was decoded.
func (p *parser) seen(path string) bool {
	_, ok := p.lines[path]
	return ok && !p.bad[path]
}

func (p *parser) result() error {
	slices.SortStableFunc(p.errs, func(a, b ValidationError) int { return a.Line - b.Line })
	if p.dropped > 0 {
		p.errs = append(p.errs, ValidationError{File: p.file, Message: fmt.Sprintf("%d more errors not shown", p.dropped), Omitted: p.dropped})
	}
	return p.errs
}

// document decodes exactly one YAML document and returns its root node.
func (p *parser) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc, extra yaml.Node
	if err := decodeNode(dec, &doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errorf(0, "", "file is empty")
		} else {
			p.yamlError(err)
		}
		return nil
	}
	switch err := decodeNode(dec, &extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		p.yamlError(err)
		return nil
	default:
		p.errorf(extra.Line, "", "more than one YAML document: a file holds exactly one questionnaire")
		return nil
	}
	if len(doc.Content) == 0 {
		p.errorf(0, "", "file is empty")
		return nil
	}
	return doc.Content[0]
}

// decodeNode turns a panic inside the YAML library into an error: uploaded
// files are untrusted.
func decodeNode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(n)
}

func (p *parser) yamlError(err error) {
	msg, line := strings.TrimPrefix(err.Error(), "yaml: "), 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, tail, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n, tail
			}
		}
	}
	p.errorf(line, "", "invalid YAML: %s", msg)
}

// safe rejects anchors, aliases (which defeats alias bombs) and deep nesting
// anywhere in the tree, including under unknown fields. Each alias name is
// reported once.
func (p *parser) safe(n *yaml.Node, path string, depth int) bool {
	if depth > maxDepth {
		if !p.tooDeep {
			p.errorf(n.Line, path, "nested deeper than %d levels", maxDepth)
		}
		p.tooDeep = true
		return false
	}
	if n.Kind == yaml.AliasNode {
		if !p.aliases[n.Value] {
			p.errorf(n.Line, path, "YAML aliases are not allowed (*%s)", n.Value)
		}
		p.aliases[n.Value] = true
		return false
	}
	ok := true
	if n.Anchor != "" {
		p.errorf(n.Line, path, "YAML anchors are not allowed (&%s)", n.Anchor)
		ok = false
	}
	for i, c := range n.Content {
		if p.tooDeep {
			return false
		}
		cp := path
		switch {
		case n.Kind == yaml.SequenceNode:
			cp = fmt.Sprintf("%s[%d]", path, i)
		case n.Kind == yaml.MappingNode && i%2 == 1:
			cp = join(path, n.Content[i-1].Value)
		}
		ok = p.safe(c, cp, depth+1) && ok
	}
	return ok
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// A decodeFunc decodes the value n of the field at path and reports whether
// it was valid.
type decodeFunc func(n *yaml.Node, path string) bool

type field struct {
	name     string
	required bool
	decode   decodeFunc
	soft     bool // missing: a warning instead of an error (imported files)
}

func req(name string, d decodeFunc) field { return field{name: name, required: true, decode: d} }
func opt(name string, d decodeFunc) field { return field{name: name, decode: d} }

// relaxed is a field required except in an imported questionnaire, where
// its absence is a warning.
func (p *parser) relaxed(name string, d decodeFunc) field {
	return field{name: name, required: true, decode: d, soft: p.imported}
}

func (p *parser) mapping(n *yaml.Node, path string, fields ...field) bool {
	if !p.kind(n, path, yaml.MappingNode, "a mapping") {
		return false
	}
	first := p.entries(n, path, func(k, v *yaml.Node, fp string) {
		i := slices.IndexFunc(fields, func(f field) bool { return f.name == k.Value })
		if i < 0 {
			p.errorf(k.Line, fp, "unknown field %q (allowed: %s)", k.Value, fieldNames(fields))
			return
		}
		p.lines[fp] = k.Line
		if !fields[i].decode(v, fp) {
			p.bad[fp] = true
		}
	})
	for _, f := range fields {
		if _, ok := first[f.name]; f.required && !ok {
			if f.soft {
				p.warnf(n.Line, join(path, f.name), "missing (allowed in an imported questionnaire)")
				continue
			}
			p.errorf(n.Line, join(path, f.name), "missing required field")
		}
	}
	return true
}

// entries calls fn with the key, value and path of each entry of the
// mapping n whose key is a plain name not met before in n (reporting the
// others), and returns the line of each such key.
func (p *parser) entries(n *yaml.Node, path string, fn func(k, v *yaml.Node, kp string)) map[string]int {
	first := make(map[string]int, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k.Line, path, "mapping keys must be plain names, got %s", describe(k))
			continue
		}
		kp := join(path, k.Value)
		if line, dup := first[k.Value]; dup {
			p.errorf(k.Line, kp, "duplicate key %q (first on line %d)", k.Value, line)
			continue
		}
		first[k.Value] = k.Line
		fn(k, v, kp)
	}
	return first
}

func fieldNames(fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// list decodes a sequence, each item with item.
func list[T any](p *parser, dst *[]T, item func(n *yaml.Node, path string, v *T) bool) decodeFunc {
	return func(n *yaml.Node, path string) bool {
		if !p.kind(n, path, yaml.SequenceNode, "a list") {
			return false
		}
		*dst = make([]T, len(n.Content))
		for i, c := range n.Content {
			ip := fmt.Sprintf("%s[%d]", path, i)
			p.lines[ip] = c.Line
			if !item(c, ip, &(*dst)[i]) {
				p.bad[ip] = true
			}
		}
		return true
	}
}

func (p *parser) kind(n *yaml.Node, path string, kind yaml.Kind, want string) bool {
	if n.Kind != kind {
		p.errorf(n.Line, path, "expected %s, got %s", want, describe(n))
		return false
	}
	return true
}

func (p *parser) scalar(n *yaml.Node, path, want string, tags ...string) bool {
	if n.Kind == yaml.ScalarNode && slices.Contains(tags, n.ShortTag()) {
		return true
	}
	hint := ""
	if tags[0] == "!!str" && n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" {
		hint = " (quote it)"
	}
	p.errorf(n.Line, path, "expected %s, got %s%s", want, describe(n), hint)
	return false
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch tag := n.ShortTag(); tag {
	case "!!null":
		return "nothing"
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	case "!!int", "!!float", "!!bool":
		return fmt.Sprintf("the %s %s", strings.TrimPrefix(tag, "!!"), n.Value)
	default:
		return fmt.Sprintf("a value tagged %s", tag)
	}
}

func (p *parser) text(dst *string) decodeFunc {
	return func(n *yaml.Node, path string) bool {
		if !p.scalar(n, path, "a string", "!!str") {
			return false
		}
		if r, bad := controlIn(n.Value); bad {
			p.errorf(n.Line, path, "contains the control character U+%04X (only tab, line feed and carriage return are allowed)", r)
			return false
		}
		s := strings.TrimSpace(n.Value)
		if s == "" {
			p.errorf(n.Line, path, "must not be empty")
			return false
		}
		*dst = s
		return true
	}
}

func (p *parser) slug(dst *string) decodeFunc {
	return func(n *yaml.Node, path string) bool {
		var s string
		if !p.text(&s)(n, path) {
			return false
		}
		if !isSlug(s) {
			p.errorf(n.Line, path, "%q is not a slug: lowercase letters and digits in words joined by single hyphens, at most %d characters", s, maxSlugLen)
			return false
		}
		*dst = s
		return true
	}
}

func isSlug(s string) bool {
	if s == "" || len(s) > maxSlugLen || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

func (p *parser) oneOf(dst *string, allowed ...string) decodeFunc {
	return func(n *yaml.Node, path string) bool {
		var s string
		if !p.text(&s)(n, path) {
			return false
		}
		if !slices.Contains(allowed, s) {
			p.errorf(n.Line, path, "must be one of %s, got %q", strings.Join(allowed, ", "), s)
			return false
		}
		*dst = s
		return true
	}
}

func (p *parser) integer(dst *int) decodeFunc {
	return func(n *yaml.Node, path string) bool {
		if !p.scalar(n, path, "an integer", "!!int") {
			return false
		}
		if n.Decode(dst) != nil {
			p.errorf(n.Line, path, "integer %s is out of range", n.Value)
			return false
		}
		return true
	}
}

func (p *parser) number(dst *float64) decodeFunc {
	return func(n *yaml.Node, path string) bool {
		if !p.scalar(n, path, "a number", "!!float", "!!int") {
			return false
		}
		if n.Decode(dst) != nil || math.IsNaN(*dst) || math.IsInf(*dst, 0) {
			p.errorf(n.Line, path, "must be a finite number, got %s", n.Value)
			return false
		}
		return true
	}
}

func (p *parser) boolean(dst *bool) decodeFunc {
	return func(n *yaml.Node, path string) bool {
		return p.scalar(n, path, "true or false", "!!bool") && n.Decode(dst) == nil
	}
}

func (p *parser) slugs(dst *[]string) decodeFunc {
	return list(p, dst, func(n *yaml.Node, path string, s *string) bool { return p.slug(s)(n, path) })
}

func (p *parser) questionnaire(n *yaml.Node, q *Questionnaire) {
	q.PassRatio = DefaultPassRatio
	// origin decides which fields are required everywhere else, so it is
	// read first, wherever it stands.
	for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
		if k, v := n.Content[i], n.Content[i+1]; k.Value == "origin" && v.Kind == yaml.ScalarNode && v.Value == OriginImported {
			p.imported = true
		}
	}
	p.mapping(n, "",
		req("key", p.slug(&q.Key)),
		req("version", p.text(&q.Version)),
		req("title", p.text(&q.Title)),
		req("description", p.text(&q.Description)),
		req("framework", p.text(&q.Framework)),
		req("scale", p.oneOf(&q.Scale, ScaleLevel, ScaleLikert)),
		opt("pass_ratio", p.number(&q.PassRatio)),
		req("levels", list(p, &q.Levels, p.level)),
		req("dimensions", list(p, &q.Dimensions, p.dimension)),
		p.relaxed("recommendations", list(p, &q.Recommendations, p.recommendation)),
		opt("scoring", p.oneOf(&q.Scoring, ScoringGated, ScoringMean, ScoringSAMM, ScoringActivities)),
		opt("origin", p.oneOf(&q.Origin, OriginImported)),
		opt("source", p.text(&q.Source)),
		opt("license", p.text(&q.License)),
		opt("attribution", p.text(&q.Attribution)),
		opt("areas", list(p, &q.Areas, p.area)),
		opt("language", p.languageTag(&q.Language)),
		opt("translations", p.translations(&q.Translations)),
	)
}

func (p *parser) area(n *yaml.Node, path string, a *Area) bool {
	return p.mapping(n, path,
		req("key", p.slug(&a.Key)),
		req("title", p.text(&a.Title)),
		opt("description", p.text(&a.Description)),
		req("dimensions", p.slugs(&a.Dimensions)),
	)
}

func (p *parser) group(n *yaml.Node, path string, g *Group) bool {
	return p.mapping(n, path,
		req("key", p.slug(&g.Key)),
		req("title", p.text(&g.Title)),
	)
}

func (p *parser) level(n *yaml.Node, path string, l *Level) bool {
	return p.mapping(n, path,
		req("level", p.integer(&l.Level)),
		req("name", p.text(&l.Name)),
		req("description", p.text(&l.Description)),
	)
}

func (p *parser) dimension(n *yaml.Node, path string, d *Dimension) bool {
	d.Weight = 1
	return p.mapping(n, path,
		req("key", p.slug(&d.Key)),
		req("title", p.text(&d.Title)),
		req("description", p.text(&d.Description)),
		opt("weight", p.number(&d.Weight)),
		opt("scale", p.oneOf(&d.Scale, ScaleLevel, ScaleLikert)),
		req("questions", list(p, &d.Questions, p.question)),
		opt("levels", list(p, &d.Levels, p.level)),
		opt("groups", list(p, &d.Groups, p.group)),
	)
}

func (p *parser) question(n *yaml.Node, path string, q *Question) bool {
	q.Weight = 1
	return p.mapping(n, path,
		req("key", p.slug(&q.Key)),
		req("text", p.text(&q.Text)),
		p.relaxed("help", p.text(&q.Help)),
		opt("weight", p.number(&q.Weight)),
		opt("reverse", p.boolean(&q.Reverse)),
		opt("options", list(p, &q.Options, p.option)),
		opt("type", p.oneOf(&q.Type, TypeNPS, TypeNumber, TypeText)),
		opt("unit", p.text(&q.Unit)),
		opt("min", p.optNumber(&q.Min)),
		opt("max", p.optNumber(&q.Max)),
		opt("required", p.boolean(&q.Required)),
		opt("level", p.optInt(&q.Level)),
		opt("group", p.slug(&q.Group)),
		opt("measure", p.measureOf(&q.Measure)),
	)
}

func (p *parser) optNumber(dst **float64) decodeFunc {
	return func(n *yaml.Node, path string) bool {
		var v float64
		if !p.number(&v)(n, path) {
			return false
		}
		*dst = &v
		return true
	}
}

func (p *parser) optInt(dst **int) decodeFunc {
	return func(n *yaml.Node, path string) bool {
		var v int
		if !p.integer(&v)(n, path) {
			return false
		}
		*dst = &v
		return true
	}
}

func (p *parser) option(n *yaml.Node, path string, o *Option) bool {
	return p.mapping(n, path,
		req("level", p.integer(&o.Level)),
		opt("key", p.slug(&o.Key)),
		req("label", p.text(&o.Label)),
		opt("value", p.optNumber(&o.Value)),
	)
}

func (p *parser) recommendation(n *yaml.Node, path string, r *Recommendation) bool {
	return p.mapping(n, path,
		req("key", p.slug(&r.Key)),
		req("dimension", p.slug(&r.Dimension)),
		req("to_level", p.integer(&r.ToLevel)),
		req("title", p.text(&r.Title)),
		req("detail", p.text(&r.Detail)),
		req("impact", p.integer(&r.Impact)),
		req("effort", p.integer(&r.Effort)),
		opt("requires", p.slugs(&r.Requires)),
	)
}
