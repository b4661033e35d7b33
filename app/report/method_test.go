package report_test

import (
	"testing"

	"gapmap/app/report"
)

func TestMethodQuestionnaireTexts(t *testing.T) {
	samm := report.MethodQuestionnaire{Title: "Tiny", Scale: "level", Levels: 4, FirstLevel: 0, Scoring: "samm",
		Source: "our fixture", License: "CC0-1.0", Attribution: "the gapmap team"}
	tests := []struct{ name, got, want string }{
		{"scale from 0", samm.ScaleText(), "levels 0–3"},
		{"scale from 1", report.MethodQuestionnaire{Scale: "level", Levels: 5, FirstLevel: 1}.ScaleText(), "levels 1–5"},
		{"samm", samm.ScoringText(), "samm, answer values summed per group, groups averaged per dimension, dimensions per area, areas overall; the level is the whole part; blocking questions are those whose mean answer level is below the next level"},
		{"blocking, gated", report.BlockingQuestion{Level: 2, LevelName: "Managed"}.Label(), "lowest answer: level 2 (Managed)"},
		{"blocking, mean answer at level 0", report.BlockingQuestion{Level: 0, LevelName: "Absent", Mean: true}.Label(), "mean answer: level 0 (Absent)"},
		{"blocking, not done at level 0", report.BlockingQuestion{Level: 0, LevelName: "Level 0"}.Label(), "lowest answer: level 0 (Level 0)"},
		{"blocking, organization", report.BlockingQuestion{Teams: 2}.Label(), "2 teams"},
		{"provenance", samm.Provenance(), "Tiny — source: our fixture; license: CC0-1.0; attribution: the gapmap team."},
		{"no provenance", report.MethodQuestionnaire{Title: "x"}.Provenance(), ""},
		{"default method", report.MethodQuestionnaire{Scale: "level"}.ScoringText(), "gated (the default), a level counts when answers carrying the pass ratio of the weight reach it"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
