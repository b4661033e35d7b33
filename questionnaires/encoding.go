package questionnaires

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// mark is a character a questionnaire file may not hold: an invalid UTF-8
// byte or a control character. Line and column are 1-based.
type mark struct {
	line, col int
	msg       string
}

// isControl reports whether r is a control character other than tab, line
// feed and carriage return: C0, DEL and C1.
func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r <= 0x9f
}

// scanText finds every control character and the first invalid UTF-8 byte
// of the file, and returns a copy in which each of them is replaced by
// question marks of the same length, so that the YAML parser sees the same
// lines and can still name the field that holds them. The copy is nil when
// the file is clean. Marks beyond maxErrors are only counted (more).
func scanText(data []byte) (clean []byte, marks []mark, more int) {
	invalid := false
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		broken := r == utf8.RuneError && size == 1
		if broken || isControl(r) {
			if clean == nil {
				clean = append([]byte(nil), data...)
			}
			copy(clean[i:i+size], strings.Repeat("?", size))
			switch {
			case len(marks) >= maxErrors && (!broken || !invalid):
				more++
				invalid = invalid || broken
			case !broken:
				marks = append(marks, mark{line, col, fmt.Sprintf("control character U+%04X at column %d is not allowed (only tab, line feed and carriage return are)", r, col)})
			case !invalid:
				marks = append(marks, mark{line, col, fmt.Sprintf("byte 0x%02X at column %d is not valid UTF-8: save the file as UTF-8", data[i], col)})
				invalid = true
			}
		}
		i += size
		col++
		if r == '\n' || r == '\r' && (i >= len(data) || data[i] != '\n') {
			line, col = line+1, 1
		}
	}
	return clean, marks, more
}

// reportMarks reports each mark at the deepest field that starts on or
// before its line.
func (p *parser) reportMarks(marks []mark) {
	for _, m := range marks {
		if len(p.errs) >= maxErrors {
			p.dropped++
			continue
		}
		path, at := "", 0
		for fp, l := range p.lines {
			if l <= m.line && (l > at || l == at && len(fp) > len(path) || l == at && len(fp) == len(path) && fp < path) {
				path, at = fp, l
			}
		}
		p.errorf(m.line, path, "%s", m.msg)
	}
}

// controlIn returns the first control character of s (see isControl).
func controlIn(s string) (rune, bool) {
	for _, r := range s {
		if isControl(r) {
			return r, true
		}
	}
	return 0, false
}
