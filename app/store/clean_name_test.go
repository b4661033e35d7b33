package store_test

import (
	"testing"

	"gapmap/app/store"
)

// TestCleanNameRefusesLineBreaks: names reach email subjects, where a line
// break would start a header.
func TestCleanNameRefusesLineBreaks(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"Acme <Ops>", true},
		{"  Platform team  ", true},
		{"Acme\r\nBcc: x@example.org", false},
		{"Acme\nBcc: x@example.org", false},
		{"Acme\rX", false},
	} {
		if _, err := store.CleanName("name", "Name", tt.in); (err == nil) != tt.ok {
			t.Errorf("CleanName(%q): %v", tt.in, err)
		}
	}
}
