package importer

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// dsommActivity is the part of a DSOMM activity the conversion reads.
type dsommActivity struct {
	UUID        string `yaml:"uuid"`
	Description string `yaml:"description"`
	Risk        string `yaml:"risk"`
	Measure     string `yaml:"measure"`
	Level       *int   `yaml:"level"`
}

// dsommMaxLevel is the highest level of the DSOMM scale.
const dsommMaxLevel = 5

// dsommFile is the model file: path itself, or generated/model.yaml under
// a checkout of the data repository.
func dsommFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", errorf(path, 0, "cannot read: %v", unwrapPathError(err))
	}
	if !st.IsDir() {
		return path, nil
	}
	for _, f := range []string{filepath.Join(path, "generated", "model.yaml"), filepath.Join(path, "model.yaml")} {
		if _, err := os.Stat(f); err == nil {
			return f, nil
		}
	}
	return "", errorf(path, 0, "no generated/model.yaml here: give the DevSecOps-MaturityModel-data generated/model.yaml")
}

func importDSOMM(path string, opt Options) (*Result, error) {
	file, err := dsommFile(path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, errorf(file, 0, "cannot read: %v", unwrapPathError(err))
	}
	// The file holds a meta document (the release) and the model document:
	// dimension -> sub-dimension -> activity name -> activity.
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var model *yaml.Node
	release := ""
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, yamlError(file, err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, errorf(file, root.Line, "expected a mapping of dimensions, got %s", kindName(root))
		}
		if meta := mapValue(root, "meta"); meta != nil && len(root.Content) == 2 {
			if v := mapValue(meta, "version"); v != nil && v.Kind == yaml.ScalarNode {
				release = clean(v.Value)
			}
			continue
		}
		if model != nil {
			return nil, errorf(file, root.Line, "a second model document: the file holds one model (and optionally a meta document before it)")
		}
		model = root
	}
	if model == nil {
		return nil, errorf(file, 0, "no model document: expected dimensions, each a mapping of sub-dimensions and their activities")
	}

	doc := &document{
		Key:         cmp.Or(opt.Key, "owasp-dsomm"),
		Version:     cmp.Or(opt.Version, release, contentVersion(map[string][]byte{"model.yaml": data})),
		Title:       "OWASP DevSecOps Maturity Model",
		Description: "OWASP DevSecOps Maturity Model (DSOMM), converted from a local copy of its generated model file: dimensions are areas, sub-dimensions dimensions, and every activity a yes/no question of its level.",
		Framework:   "OWASP DSOMM",
		Scale:       "level",
		Scoring:     "activities",
		Origin:      "imported",
		PassRatio:   ptr(1.0),
		Source:      "OWASP DevSecOps Maturity Model data (https://github.com/devsecopsmaturitymodel/DevSecOps-MaturityModel-data)",
		License:     "GPL-3.0",
		Attribution: "OWASP DevSecOps Maturity Model by its project team, licensed under GPL-3.0; converted to gapmap's format by gapmap questionnaires import.",
	}
	areaKeys, dimKeys, questionKeys, recKeys := slugger{}, slugger{}, slugger{}, slugger{}
	top := 0
	for i := 0; i+1 < len(model.Content); i += 2 {
		name, subs := model.Content[i], model.Content[i+1]
		if skipKey(name.Value) {
			continue
		}
		if subs.Kind != yaml.MappingNode {
			return nil, errorf(file, subs.Line, "dimension %q: expected a mapping of sub-dimensions, got %s", name.Value, kindName(subs))
		}
		a := area{Key: areaKeys.make(name.Value, "dimension"), Title: clean(name.Value)}
		for j := 0; j+1 < len(subs.Content); j += 2 {
			sub, acts := subs.Content[j], subs.Content[j+1]
			if skipKey(sub.Value) {
				continue
			}
			if acts.Kind != yaml.MappingNode {
				return nil, errorf(file, acts.Line, "sub-dimension %q of %q: expected a mapping of activities, got %s", sub.Value, name.Value, kindName(acts))
			}
			d := dimension{
				Key:         dimKeys.make(sub.Value, "sub-dimension"),
				Title:       clean(sub.Value),
				Description: fmt.Sprintf("The DSOMM activities of %s, in %s.", clean(sub.Value), clean(name.Value)),
			}
			for k := 0; k+1 < len(acts.Content); k += 2 {
				an, av := acts.Content[k], acts.Content[k+1]
				if skipKey(an.Value) {
					continue
				}
				where := fmt.Sprintf("activity %q of %s", clean(an.Value), clean(sub.Value))
				if av.Kind != yaml.MappingNode {
					return nil, errorf(file, av.Line, "%s: expected a mapping of its fields, got %s", where, kindName(av))
				}
				var act dsommActivity
				if err := av.Decode(&act); err != nil {
					e := yamlError(file, err)
					e.Msg = where + ": " + e.Msg
					return nil, e
				}
				if act.Level == nil {
					return nil, errorf(file, av.Line, "%s: missing level", where)
				}
				if *act.Level < 1 || *act.Level > dsommMaxLevel {
					return nil, errorf(file, lineOf(av, "level"), "%s: level must be 1 to %d, got %d", where, dsommMaxLevel, *act.Level)
				}
				if clean(an.Value) == "" {
					return nil, errorf(file, an.Line, "an activity of %s has no name", clean(sub.Value))
				}
				top = max(top, *act.Level)
				q := question{
					Key:   questionKeys.make(an.Value, "activity"),
					Level: ptr(*act.Level),
					Text:  clean(an.Value),
					Help:  or(act.Measure, act.Description),
					Options: []option{
						{Key: "done", Level: *act.Level, Value: ptr(1.0), Label: "Done"},
						{Key: "not-done", Level: 0, Value: ptr(0.0), Label: "Not done"},
					},
				}
				d.Questions = append(d.Questions, q)
				doc.Recommendations = append(doc.Recommendations, recommendation{
					Key:       recKeys.make("do-"+q.Key, "activity"),
					Dimension: d.Key,
					ToLevel:   *act.Level,
					Title:     q.Text,
					Detail:    or(act.Measure, act.Description, act.Risk, q.Text),
					Impact:    defaultImpact,
					Effort:    defaultEffort,
				})
			}
			if len(d.Questions) == 0 {
				return nil, errorf(file, acts.Line, "sub-dimension %q of %q has no activities", sub.Value, name.Value)
			}
			a.Dimensions = append(a.Dimensions, d.Key)
			doc.Dimensions = append(doc.Dimensions, d)
		}
		if len(a.Dimensions) > 0 {
			doc.Areas = append(doc.Areas, a)
		}
	}
	if len(doc.Dimensions) == 0 {
		return nil, errorf(file, model.Line, "no activities found: expected dimensions, each a mapping of sub-dimensions and their activities")
	}
	doc.Levels = []level{{0, "Level 0", "Not every activity of level 1 is done."}}
	for n := 1; n <= top; n++ {
		doc.Levels = append(doc.Levels, level{n, fmt.Sprintf("Level %d", n), fmt.Sprintf("Every activity of level %d and below is done.", n)})
	}
	out, err := doc.encode()
	if err != nil {
		return nil, err
	}
	return &Result{YAML: out}, nil
}

// skipKey reports whether a key of the model is not a name of the model:
// the meta block and keys starting with an underscore.
func skipKey(k string) bool { return k == "meta" || strings.HasPrefix(k, "_") }

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func lineOf(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return n.Line
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.ShortTag() == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("the value %q", n.Value)
}
