package questionnaires_test

import (
	"errors"
	"strings"
	"testing"

	"gapmap/questionnaires"
)

// TestParseRefusesControlCharactersAndOtherEncodings: NUL and other
// control characters (tab, CR and LF aside) are refused wherever they are,
// raw or escaped, with line and path; a file that is not UTF-8 is refused
// at the line of its first invalid byte.
func TestParseRefusesControlCharactersAndOtherEncodings(t *testing.T) {
	mini := string(readFile(t, "testdata/mini.yaml"))
	edit := func(old, new string) []byte {
		t.Helper()
		if !strings.Contains(mini, old) {
			t.Fatalf("mini.yaml has no %q", old)
		}
		return []byte(strings.Replace(mini, old, new, 1))
	}
	tests := []struct {
		name string
		data []byte
		want []wantErr
	}{
		{"raw NUL in a question", edit("text: How is a bad deployment", "text: How is a bad\x00 deployment"),
			[]wantErr{{28, "dimensions[0].questions[1].text", "control character U+0000 at column 27"}}},
		{"raw escape in an option label", edit("label: On the servers.", "label: On the \x1b[31mservers."),
			[]wantErr{{40, "dimensions[0].questions[2].options[0].label", "control character U+001B"}}},
		{"raw DEL and C1 in the title", edit("title: Mini", "title: Mi\x7fni\u0085"),
			[]wantErr{{3, "title", "U+007F at column 10"}, {3, "title", "U+0085 at column 13"}}},
		{"escaped NUL in a quoted title", edit("title: Mini", `title: "Mi\0ni"`),
			[]wantErr{{3, "title", "contains the control character U+0000"}}},
		{"escaped bell in a block text", edit("help: Ask who did the last rollback.", "help: \"Ask who \\a did\""),
			[]wantErr{{29, "dimensions[0].questions[1].help", "contains the control character U+0007"}}},
		{"Latin-1 file", latin1(mini),
			[]wantErr{{17, "dimensions[0].description", "byte 0xE9 at column 19 is not valid UTF-8"}}},
		{"two invalid bytes: the first one counts", edit("label: On the servers.", "label: On the s\xe9rv\xe9rs."),
			[]wantErr{{40, "dimensions[0].questions[2].options[0].label", "byte 0xE9 at column 28 is not valid UTF-8"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := questionnaires.Parse("x.yaml", tt.data)
			if q != nil {
				t.Fatal("Parse accepted the file")
			}
			assertErrors(t, err, "x.yaml", tt.want)
		})
	}
	for _, ok := range []string{"tab\tinside", "emoji 🚀 and é", "zero\u200bwidth"} {
		if _, err := questionnaires.Parse("x.yaml", edit("title: Mini", "title: "+ok)); err != nil {
			t.Errorf("title %q refused: %v", ok, err)
		}
	}
}

// TestValidationErrorsCount: a capped list counts the problems it stands
// for, not its closing "N more errors not shown" entry.
func TestValidationErrorsCount(t *testing.T) {
	mini := string(readFile(t, "testdata/mini.yaml"))
	for _, n := range []int{1, 500, 501, 582} {
		var b strings.Builder
		b.WriteString(mini)
		for i := range n {
			b.WriteString("extra" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + itoa(i) + ": 1\n")
		}
		_, err := questionnaires.Parse("x.yaml", []byte(b.String()))
		var errs questionnaires.ValidationErrors
		if !errors.As(err, &errs) {
			t.Fatalf("%d unknown fields: error %v", n, err)
		}
		if got := errs.Count(); got != n {
			t.Errorf("%d unknown fields: Count() = %d", n, got)
		}
		if wantLen := min(n, 501); len(errs) != wantLen {
			t.Errorf("%d unknown fields: %d entries, want %d", n, len(errs), wantLen)
		}
	}
	many := strings.Repeat("\x01", 3000)
	_, err := questionnaires.Parse("x.yaml", []byte(strings.Replace(mini, "title: Mini", "title: Mini"+many, 1)))
	var errs questionnaires.ValidationErrors
	if !errors.As(err, &errs) || errs.Count() != 3000 || len(errs) != 501 {
		t.Errorf("3000 control characters: %d entries counting %d, want 501 counting 3000", len(errs), errs.Count())
	}
}

// latin1 puts Latin-1 letters (one byte each, invalid in UTF-8) on lines 17
// and 24 of mini.yaml.
func latin1(mini string) []byte {
	s := strings.Replace(mini, "description: How changes", "description: H\xe9 how changes", 1)
	return []byte(strings.Replace(s, "Someone", "Some\xf6ne", 1))
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
