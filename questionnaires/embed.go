package questionnaires

import (
	"cmp"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

//go:embed *.yaml
var shipped embed.FS

// Shipped parses every questionnaire embedded in the binary, sorted by key.
// Each file's key must equal its file name without ".yaml". On failure the
// error is a ValidationErrors covering all files.
func Shipped() ([]*Questionnaire, error) {
	names, err := fs.Glob(shipped, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list shipped questionnaires: %w", err)
	}
	var (
		all  []*Questionnaire
		errs ValidationErrors
	)
	for _, name := range names {
		data, err := shipped.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read shipped questionnaire %s: %w", name, err)
		}
		file := path.Join("questionnaires", name)
		q, err := Parse(file, data)
		var verrs ValidationErrors
		switch want := strings.TrimSuffix(name, ".yaml"); {
		case errors.As(err, &verrs):
			errs = append(errs, verrs...)
		case err != nil:
			return nil, err
		case q.Key != want:
			errs = append(errs, ValidationError{File: file, Line: 1, Path: "key",
				Message: fmt.Sprintf("key %q must match the file name %q", q.Key, want)})
		default:
			all = append(all, q)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	slices.SortFunc(all, func(a, b *Questionnaire) int { return cmp.Compare(a.Key, b.Key) })
	return all, nil
}
