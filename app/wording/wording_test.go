package wording_test

import (
	"testing"

	"gapmap/app/wording"
)

func TestWording(t *testing.T) {
	tests := []struct{ got, want string }{
		{wording.Plural(1, "team", "teams"), "team"},
		{wording.Plural(0, "team", "teams"), "teams"},
		{wording.Count(1, "problem"), "1 problem"},
		{wording.Count(3, "problem"), "3 problems"},
		{wording.CountOf(2, "reply", "replies"), "2 replies"},
		{wording.Number(2), "2"},
		{wording.Number(2.0 / 3), "0.667"},
		{wording.Number(1.5), "1.5"},
		{wording.Number(0.0004), "0"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}
