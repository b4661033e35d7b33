package questionnaires

import (
	"fmt"
	"strings"
)

// ValidationError is one problem found while loading a questionnaire file.
// Line is 1-based (0 when the problem concerns the whole file) and Path names
// the field, such as dimensions[2].questions[0].options.
type ValidationError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Path    string `json:"path"`
	Message string `json:"message"`
	// Omitted is set only on the closing "N more errors not shown" entry of
	// a capped list: the N problems it stands for.
	Omitted int `json:"-"`
}

func (e ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// ValidationErrors is every problem found in one or more files, in file and
// line order. Its message has one error per line.
type ValidationErrors []ValidationError

func (es ValidationErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Count returns the number of problems found: each entry counts once, except
// the closing entry of a capped list, which counts the problems it stands for.
func (es ValidationErrors) Count() int {
	n := 0
	for _, e := range es {
		if e.Omitted > 0 {
			n += e.Omitted
		} else {
			n++
		}
	}
	return n
}
