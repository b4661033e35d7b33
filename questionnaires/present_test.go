package questionnaires_test

import (
	"testing"

	"gapmap/questionnaires"
)

func TestLevelClass(t *testing.T) {
	ip := func(v int) *int { return &v }
	tests := []struct {
		level *int
		n     int
		want  string
	}{
		{nil, 5, "lvl-na"},
		{ip(1), 5, "lvl-1"},
		{ip(5), 5, "lvl-5"},
		{ip(3), 3, "lvl-3"},
		{ip(1), 9, "lvl-1"},
		{ip(5), 9, "lvl-3"},
		{ip(9), 9, "lvl-5"},
	}
	for _, tt := range tests {
		if got := questionnaires.LevelClass(tt.level, tt.n); got != tt.want {
			t.Errorf("LevelClass(%v, %d) = %q, want %q", tt.level, tt.n, got, tt.want)
		}
	}
}

func TestLikertLabel(t *testing.T) {
	for v, want := range map[int]string{0: "", 1: "Strongly disagree", 3: "Neither agree nor disagree", 5: "Strongly agree", 6: ""} {
		if got := questionnaires.LikertLabel(v); got != want {
			t.Errorf("LikertLabel(%d) = %q, want %q", v, got, want)
		}
	}
}
