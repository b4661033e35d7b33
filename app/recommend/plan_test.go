package recommend_test

import (
	"testing"

	"gapmap/app/recommend"
)

func TestProgress(t *testing.T) {
	items := []recommend.Item{
		{Questionnaire: "q", Key: "a", Phase: recommend.PhaseNow},
		{Questionnaire: "q", Key: "b", Phase: recommend.PhaseNow},
		{Questionnaire: "q", Key: "c", Phase: recommend.PhaseNext},
		{Questionnaire: "q", Key: "d", Phase: recommend.PhaseLater},
		{Questionnaire: "r", Key: "a", Phase: recommend.PhaseLater},
	}
	plan := map[recommend.PlanKey]recommend.Plan{
		{Questionnaire: "q", Recommendation: "a"}:    {Status: recommend.StatusDone},
		{Questionnaire: "q", Recommendation: "b"}:    {Owner: "x"},
		{Questionnaire: "q", Recommendation: "c"}:    {Status: recommend.StatusInProgress},
		{Questionnaire: "r", Recommendation: "a"}:    {Status: recommend.StatusWontDo},
		{Questionnaire: "q", Recommendation: "gone"}: {Status: recommend.StatusDone},
	}
	got := recommend.Progress(items, plan)
	want := []recommend.PhaseProgress{
		{Phase: "now", Total: 2, NotStarted: 1, Done: 1},
		{Phase: "next", Total: 1, InProgress: 1},
		{Phase: "later", Total: 2, NotStarted: 1, WontDo: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("Progress = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("phase %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestStatusLabels(t *testing.T) {
	want := map[string]string{
		recommend.StatusNotStarted: "Not started", recommend.StatusInProgress: "In progress",
		recommend.StatusDone: "Done", recommend.StatusWontDo: "Won't do", "": "", "paused": "",
	}
	for status, label := range want {
		if got := recommend.StatusLabel(status); got != label {
			t.Errorf("StatusLabel(%q) = %q, want %q", status, got, label)
		}
	}
	if got := recommend.Statuses(); len(got) != 4 || got[0] != recommend.StatusNotStarted || got[3] != recommend.StatusWontDo {
		t.Errorf("Statuses() = %q", got)
	}
}
