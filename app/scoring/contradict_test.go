package scoring_test

import (
	"reflect"
	"testing"

	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

func shippedCNCF(t *testing.T) *questionnaires.Questionnaire {
	t.Helper()
	qs, err := questionnaires.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if q.Key == "cncf-platform-maturity" {
			return q
		}
	}
	t.Fatal("the CNCF questionnaire is not shipped")
	return nil
}

func TestContradictions(t *testing.T) {
	q := shippedCNCF(t) // msr-dora: deployment frequency, adp-onboarding: lead time, ops-environments: change failure rate, ops-reliability: recovery time; elite 5, high 4, medium 3, low 1
	deploysLow := map[string]scoring.Measured{"deployment_frequency": {Metric: "deployment_frequency", Value: fp(0.3), Unit: scoring.UnitPerWeek, Band: "low"}}
	tests := []struct {
		name     string
		levels   map[string][]int
		measured map[string]scoring.Measured
		want     []scoring.Contradiction
	}{
		{"the issue's example", map[string][]int{"msr-dora": {4}}, deploysLow, []scoring.Contradiction{{
			Question: "msr-dora", AnsweredLevel: 4, Metric: "deployment_frequency", Value: 0.3, Band: "low", BandLevel: 1,
			Text: "answered Optimizing (4); measured deployments: 0.3 per week (low → 1)",
		}}},
		{"two levels apart is flagged", map[string][]int{"msr-dora": {3}}, deploysLow, []scoring.Contradiction{{
			Question: "msr-dora", AnsweredLevel: 3, Metric: "deployment_frequency", Value: 0.3, Band: "low", BandLevel: 1,
			Text: "answered Scalable (3); measured deployments: 0.3 per week (low → 1)",
		}}},
		{"one level apart is not", map[string][]int{"msr-dora": {2}}, deploysLow, nil},
		{"same level is not", map[string][]int{"msr-dora": {1}}, deploysLow, nil},
		{"answer below the measure is flagged too", map[string][]int{"ops-reliability": {1}},
			map[string]scoring.Measured{"recovery_time": {Metric: "recovery_time", Value: fp(0.5), Band: "elite"}},
			[]scoring.Contradiction{{
				Question: "ops-reliability", AnsweredLevel: 1, Metric: "recovery_time", Value: 0.5, Band: "elite", BandLevel: 5,
				Text: "answered Provisional (1); measured recovery time: 0.5 hours (elite → 5)",
			}}},
		{"median of the team's respondents", map[string][]int{"msr-dora": {1, 5, 4}}, deploysLow, []scoring.Contradiction{{
			Question: "msr-dora", AnsweredLevel: 4, Metric: "deployment_frequency", Value: 0.3, Band: "low", BandLevel: 1,
			Text: "answered Optimizing (4); measured deployments: 0.3 per week (low → 1)",
		}}},
		{"lower median of an even count", map[string][]int{"msr-dora": {2, 5}}, deploysLow, nil},
		{"no answer", map[string][]int{"msr-dora": {}}, deploysLow, nil},
		{"no data for the metric", map[string][]int{"msr-dora": {5}},
			map[string]scoring.Measured{"deployment_frequency": {Metric: "deployment_frequency"}}, nil},
		{"value without band", map[string][]int{"msr-dora": {5}},
			map[string]scoring.Measured{"deployment_frequency": {Metric: "deployment_frequency", Value: fp(0)}}, nil},
		{"nothing measured", map[string][]int{"msr-dora": {5}}, nil, nil},
		{"questions without measure are ignored", map[string][]int{"msr-adoption": {5}}, deploysLow, nil},
		// ops-environments is one level from high (4): not flagged.
		{"every metric, in questionnaire order", map[string][]int{"msr-dora": {5}, "adp-onboarding": {5}, "ops-environments": {5}, "ops-reliability": {5}},
			map[string]scoring.Measured{
				"deployment_frequency": {Metric: "deployment_frequency", Value: fp(0.04), Band: "low"},
				"lead_time":            {Metric: "lead_time", Value: fp(700.26), Unit: scoring.UnitHours, Band: "low"},
				"change_failure_rate":  {Metric: "change_failure_rate", Value: fp(12.5), Band: "high"},
				"recovery_time":        {Metric: "recovery_time", Value: fp(1), Band: "medium"},
			},
			[]scoring.Contradiction{
				{Question: "adp-onboarding", AnsweredLevel: 5, Metric: "lead_time", Value: 700.26, Band: "low", BandLevel: 1,
					Text: "answered Innovating (5); measured lead time: 700.3 hours (low → 1)"},
				{Question: "ops-reliability", AnsweredLevel: 5, Metric: "recovery_time", Value: 1, Band: "medium", BandLevel: 3,
					Text: "answered Innovating (5); measured recovery time: 1 hour (medium → 3)"},
				{Question: "msr-dora", AnsweredLevel: 5, Metric: "deployment_frequency", Value: 0.04, Band: "low", BandLevel: 1,
					Text: "answered Innovating (5); measured deployments: 0.04 per week (low → 1)"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scoring.Contradictions(q, tt.levels, tt.measured)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Contradictions =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestFormatMeasured(t *testing.T) {
	for _, tc := range []struct {
		m    scoring.Measured
		want string
	}{
		{scoring.Measured{Metric: "deployment_frequency", Value: fp(0.3)}, "0.3 per week"},
		{scoring.Measured{Metric: "deployment_frequency", Value: fp(14)}, "14 per week"},
		{scoring.Measured{Metric: "deployment_frequency", Value: fp(0.012)}, "0.01 per week"},
		{scoring.Measured{Metric: "lead_time", Value: fp(26.54)}, "26.5 hours"},
		{scoring.Measured{Metric: "recovery_time", Value: fp(1)}, "1 hour"},
		{scoring.Measured{Metric: "change_failure_rate", Value: fp(33.333)}, "33.3%"},
		{scoring.Measured{Metric: "change_failure_rate", Value: fp(0)}, "0%"},
		{scoring.Measured{Metric: "lead_time"}, "no data"},
		{scoring.Measured{Metric: "lead_time", Value: fp(2), Unit: "days"}, "2 days"},
	} {
		if got := scoring.FormatMeasured(tc.m); got != tc.want {
			t.Errorf("FormatMeasured(%s %v %q) = %q, want %q", tc.m.Metric, *orZero(tc.m.Value), tc.m.Unit, got, tc.want)
		}
	}
}

func orZero(v *float64) *float64 {
	if v == nil {
		return fp(0)
	}
	return v
}

func TestTeamAnswer(t *testing.T) {
	for _, tc := range []struct {
		levels []int
		want   int
		ok     bool
	}{
		{nil, 0, false}, {[]int{3}, 3, true}, {[]int{5, 1}, 1, true}, {[]int{4, 1, 2}, 2, true}, {[]int{1, 2, 3, 4}, 2, true},
	} {
		if got, ok := scoring.TeamAnswer(tc.levels); got != tc.want || ok != tc.ok {
			t.Errorf("TeamAnswer(%v) = %d %v, want %d %v", tc.levels, got, ok, tc.want, tc.ok)
		}
	}
}
