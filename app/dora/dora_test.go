package dora_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin without the system's zone files

	"gapmap/app/dora"
)

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func ptr[T any](v T) *T { return &v }

// want is a metric's expected value (nil: no data) and band.
type want struct {
	value *float64
	band  dora.Band
}

func check(t *testing.T, name string, got dora.Metric, w want) {
	t.Helper()
	switch {
	case w.value == nil && (got.Value != nil || got.Band != nil):
		t.Errorf("%s: got %v %v, want no data", name, *got.Value, *got.Band)
	case w.value == nil:
	case got.Value == nil || got.Band == nil:
		t.Errorf("%s: no data, want %v %s", name, *w.value, w.band)
	case diff(*got.Value, *w.value) > 1e-9 || *got.Band != w.band:
		t.Errorf("%s: got %v %s, want %v %s", name, *got.Value, *got.Band, *w.value, w.band)
	}
}

func diff(a, b float64) float64 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestMetrics(t *testing.T) {
	march := dora.NewWindow(at(t, "2026-03-01T00:00:00Z"), at(t, "2026-03-28T00:00:00Z")) // 28 days, 4 weeks
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// The clocks in Berlin go from 02:00 CET to 03:00 CEST on 2026-03-29:
	// 01:30 to 03:30 local time that night is one hour.
	beforeDST := time.Date(2026, 3, 29, 1, 30, 0, 0, berlin)
	afterDST := time.Date(2026, 3, 29, 3, 30, 0, 0, berlin)
	dstNight := dora.NewWindow(at(t, "2026-03-29T00:00:00Z"), at(t, "2026-03-29T00:00:00Z"))

	// The main case, computed by hand:
	//   d1 2026-03-02 12:00 commits 10:00, 11:00 -> 7200 s, 3600 s -> 5400 s
	//   d2 2026-03-03 failure, lead_time_seconds 3600
	//   d3 staging: not counted
	//   d4 "Production", one commit a day before -> 86400 s
	//   d5 no commits, named by incident i1 -> failed
	//   counted 4 in 4 weeks -> 1 per week (high); failed 2 of 4 -> 50 % (low);
	//   lead times 3600, 5400, 86400 -> median 5400 s = 1.5 h (elite)
	//   i1 started 03-06 01:00, resolved 03:00 -> 7200 s
	//   i2 unresolved; i3 started before the window, resolved 03-01 -> 172800 s
	//   i4 resolved after the window
	//   incidents started in the window: i1, i2, i4 = 3;
	//   recoveries 7200, 172800 -> median 90000 s = 25 h (medium)
	deps := []dora.Deployment{
		{ID: "d1", FinishedAt: at(t, "2026-03-02T12:00:00Z"), Status: "success", Commits: []dora.Commit{
			{SHA: "a", CommittedAt: at(t, "2026-03-02T10:00:00Z")}, {SHA: "b", CommittedAt: at(t, "2026-03-02T11:00:00Z")}}},
		{ID: "d2", FinishedAt: at(t, "2026-03-03T00:00:00Z"), Status: "failure", LeadTimeSeconds: ptr[int64](3600)},
		{ID: "d3", FinishedAt: at(t, "2026-03-04T00:00:00Z"), Status: "success", Environment: "staging", LeadTimeSeconds: ptr[int64](1)},
		{ID: "d4", FinishedAt: at(t, "2026-03-05T00:00:00Z"), Status: "success", Environment: "Production", Commits: []dora.Commit{
			{SHA: "c", CommittedAt: at(t, "2026-03-04T00:00:00Z")}}},
		{ID: "d5", FinishedAt: at(t, "2026-03-06T00:00:00Z"), Status: "success"},
	}
	incs := []dora.Incident{
		{ID: "i1", StartedAt: at(t, "2026-03-06T01:00:00Z"), ResolvedAt: ptr(at(t, "2026-03-06T03:00:00Z")), DeploymentID: "d5"},
		{ID: "i2", StartedAt: at(t, "2026-03-10T00:00:00Z")},
		{ID: "i3", StartedAt: at(t, "2026-02-27T00:00:00Z"), ResolvedAt: ptr(at(t, "2026-03-01T00:00:00Z"))},
		{ID: "i4", StartedAt: at(t, "2026-03-28T23:00:00Z"), ResolvedAt: ptr(at(t, "2026-03-29T01:00:00Z"))},
	}

	tests := []struct {
		name                 string
		deps                 []dora.Deployment
		incs                 []dora.Incident
		window               dora.Window
		freq, lead, cfr, rec want
		deployments, nIncs   int64
	}{
		{name: "empty window", window: march},
		{name: "events outside the window only", window: march,
			deps: []dora.Deployment{{ID: "x", FinishedAt: at(t, "2026-04-01T00:00:00Z"), Status: "failure", LeadTimeSeconds: ptr[int64](5)}},
			incs: []dora.Incident{{ID: "y", StartedAt: at(t, "2026-02-01T00:00:00Z"), ResolvedAt: ptr(at(t, "2026-02-02T00:00:00Z"))}}},
		{name: "all four metrics", deps: deps, incs: incs, window: march,
			freq: want{ptr(1.0), dora.High}, lead: want{ptr(1.5), dora.Elite}, cfr: want{ptr(50.0), dora.Low}, rec: want{ptr(25.0), dora.Medium},
			deployments: 4, nIncs: 3},
		{name: "duplicates change nothing", window: march,
			deps: append(slices.Clone(deps), dora.Deployment{ID: "d1", FinishedAt: at(t, "2026-03-20T00:00:00Z"), Status: "failure", LeadTimeSeconds: ptr[int64](1e6)}),
			incs: append(slices.Clone(incs), dora.Incident{ID: "i2", StartedAt: at(t, "2026-03-10T00:00:00Z"), ResolvedAt: ptr(at(t, "2026-03-10T00:00:01Z")), DeploymentID: "d1"}),
			freq: want{ptr(1.0), dora.High}, lead: want{ptr(1.5), dora.Elite}, cfr: want{ptr(50.0), dora.Low}, rec: want{ptr(25.0), dora.Medium},
			deployments: 4, nIncs: 3},
		{name: "deployments without commits", window: march,
			deps: []dora.Deployment{
				{ID: "a", FinishedAt: at(t, "2026-03-02T00:00:00Z"), Status: "success"},
				{ID: "b", FinishedAt: at(t, "2026-03-09T00:00:00Z"), Status: "success"}},
			freq: want{ptr(0.5), dora.Medium}, cfr: want{ptr(0.0), dora.Elite}, deployments: 2},
		{name: "unresolved incidents only", window: march,
			incs:  []dora.Incident{{ID: "a", StartedAt: at(t, "2026-03-02T00:00:00Z")}, {ID: "b", StartedAt: at(t, "2026-03-03T00:00:00Z"), DeploymentID: "gone"}},
			nIncs: 2},
		{name: "offsets: the UTC day decides the window", window: march,
			deps: []dora.Deployment{
				// 2026-03-28T23:30Z: in
				{ID: "in", FinishedAt: at(t, "2026-03-29T00:30:00+01:00"), Status: "success", Commits: []dora.Commit{
					{SHA: "a", CommittedAt: at(t, "2026-03-28T20:30:00-03:00")}}}, // 23:30Z: 0 s
				// 2026-02-28T22:30Z: out
				{ID: "out", FinishedAt: at(t, "2026-03-01T00:30:00+02:00"), Status: "failure"},
				// 2026-03-01T00:30Z: in; committed 2026-02-28T22:00Z -> 9000 s
				{ID: "in2", FinishedAt: at(t, "2026-02-28T19:30:00-05:00"), Status: "success", Commits: []dora.Commit{
					{SHA: "b", CommittedAt: at(t, "2026-03-01T07:00:00+09:00")}}},
			},
			// 2 in 4 weeks; lead times 0, 9000 -> 4500 s = 1.25 h
			freq: want{ptr(0.5), dora.Medium}, lead: want{ptr(1.25), dora.Elite}, cfr: want{ptr(0.0), dora.Elite}, deployments: 2},
		{name: "daylight-saving change in Berlin", window: dstNight,
			deps: []dora.Deployment{{ID: "dst", FinishedAt: afterDST, Status: "success", Commits: []dora.Commit{{SHA: "a", CommittedAt: beforeDST}}}},
			incs: []dora.Incident{{ID: "i", StartedAt: beforeDST, ResolvedAt: &afterDST}},
			// 1 in 1 day = 7 per week: high, not elite (more than once a day is)
			freq: want{ptr(7.0), dora.High}, lead: want{ptr(1.0), dora.Elite}, cfr: want{ptr(0.0), dora.Elite}, rec: want{ptr(1.0), dora.High},
			deployments: 1, nIncs: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := dora.FromEvents(tc.deps, tc.incs, tc.window).Compute()
			check(t, "deployment frequency", m.DeploymentFrequency, tc.freq)
			check(t, "lead time", m.LeadTime, tc.lead)
			check(t, "change failure rate", m.ChangeFailureRate, tc.cfr)
			check(t, "recovery time", m.RecoveryTime, tc.rec)
			if m.Deployments != tc.deployments || m.Incidents != tc.nIncs {
				t.Errorf("counts: got %d deployments, %d incidents; want %d, %d", m.Deployments, m.Incidents, tc.deployments, tc.nIncs)
			}
		})
	}
}

func TestLeadTime(t *testing.T) {
	fin := at(t, "2026-03-02T12:00:00Z")
	commits := func(ago ...int64) []dora.Commit {
		var out []dora.Commit
		for _, s := range ago {
			out = append(out, dora.Commit{SHA: "x", CommittedAt: fin.Add(-time.Duration(s) * time.Second)})
		}
		return out
	}
	tests := []struct {
		name string
		d    dora.Deployment
		want int64
		ok   bool
	}{
		{"none", dora.Deployment{FinishedAt: fin}, 0, false},
		{"one commit", dora.Deployment{FinishedAt: fin, Commits: commits(60)}, 60, true},
		{"odd count", dora.Deployment{FinishedAt: fin, Commits: commits(300, 10, 20)}, 20, true},
		{"even count: mean of the middle two, rounded down", dora.Deployment{FinishedAt: fin, Commits: commits(10, 11)}, 10, true},
		{"lead_time_seconds wins", dora.Deployment{FinishedAt: fin, Commits: commits(10), LeadTimeSeconds: ptr[int64](99)}, 99, true},
		{"sub-second parts are dropped", dora.Deployment{FinishedAt: fin, Commits: []dora.Commit{{CommittedAt: fin.Add(-1500 * time.Millisecond)}}}, 1, true},
	}
	for _, tc := range tests {
		got, ok := dora.LeadTime(tc.d)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: got %d %v, want %d %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBands(t *testing.T) {
	tests := []struct {
		name  string
		band  func(float64) dora.Band
		value float64
		want  dora.Band
	}{
		{"frequency: more than daily", dora.FrequencyBand, 7.01, dora.Elite},
		{"frequency: daily", dora.FrequencyBand, 7, dora.High},
		{"frequency: weekly", dora.FrequencyBand, 1, dora.High},
		{"frequency: under weekly", dora.FrequencyBand, 0.99, dora.Medium},
		{"frequency: monthly", dora.FrequencyBand, 0.23, dora.Medium},
		{"frequency: under monthly", dora.FrequencyBand, 0.2, dora.Low},
		{"lead time: under a day", dora.LeadTimeBand, 23.9, dora.Elite},
		{"lead time: a day", dora.LeadTimeBand, 24, dora.High},
		{"lead time: a week", dora.LeadTimeBand, 168, dora.High},
		{"lead time: over a week", dora.LeadTimeBand, 168.1, dora.Medium},
		{"lead time: a month", dora.LeadTimeBand, 730.5, dora.Medium},
		{"lead time: over a month", dora.LeadTimeBand, 731, dora.Low},
		{"failure rate: none", dora.FailureRateBand, 0, dora.Elite},
		{"failure rate: 5 %", dora.FailureRateBand, 5, dora.Elite},
		{"failure rate: 5.1 %", dora.FailureRateBand, 5.1, dora.High},
		{"failure rate: 20 %", dora.FailureRateBand, 20, dora.High},
		{"failure rate: 30 %", dora.FailureRateBand, 30, dora.Medium},
		{"failure rate: 30.1 %", dora.FailureRateBand, 30.1, dora.Low},
		{"recovery: under an hour", dora.RecoveryBand, 0.99, dora.Elite},
		{"recovery: an hour", dora.RecoveryBand, 1, dora.High},
		{"recovery: a day", dora.RecoveryBand, 24, dora.Medium},
		{"recovery: a week", dora.RecoveryBand, 168, dora.Medium},
		{"recovery: over a week", dora.RecoveryBand, 168.01, dora.Low},
	}
	for _, tc := range tests {
		if got := tc.band(tc.value); got != tc.want {
			t.Errorf("%s (%v): got %s, want %s", tc.name, tc.value, got, tc.want)
		}
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []int64
		want float64
		ok   bool
	}{
		{nil, 0, false},
		{[]int64{3}, 3, true},
		{[]int64{2, 1}, 1.5, true},
		{[]int64{5, 1, 4, 2, 3}, 3, true},
		{[]int64{4, 4, 1, 1}, 2.5, true},
		{[]int64{7, 7, 7, 7}, 7, true},
	}
	for _, tc := range tests {
		got, ok := dora.NewSample(tc.in).Median()
		if got != tc.want || ok != tc.ok {
			t.Errorf("Sample(%v).Median() = %v %v, want %v %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		vs := make([]int64, 1+r.IntN(50))
		for i := range vs {
			vs[i] = r.Int64N(20)
		}
		sorted := slices.Sorted(slices.Values(vs))
		n := len(sorted)
		want := float64(sorted[n/2])
		if n%2 == 0 {
			want = (float64(sorted[n/2-1]) + float64(sorted[n/2])) / 2
		}
		// The same values as a sample of several runs, some merged.
		var s dora.Sample
		cut := r.IntN(len(vs) + 1)
		s.AddRun(dora.MergeRun(dora.EncodeRun(vs[:cut/2]), vs[cut/2:cut]))
		s.AddRun(dora.EncodeRun(vs[cut:]))
		if got, _ := s.Median(); got != want || s.Len() != n {
			t.Fatalf("Sample(%v).Median() = %v (%d values), want %v", sorted, got, s.Len(), want)
		}
		if got := s.Values(); !slices.Equal(got, sorted) {
			t.Fatalf("Values() = %v, want %v", got, sorted)
		}
		// Subtracting one run leaves the other.
		a, b := dora.EncodeRun(vs[:cut]), dora.EncodeRun(vs[cut:])
		both := dora.MergeRun(a, vs[cut:])
		var left dora.Sample
		left.AddRun(dora.SubtractRun(both, b))
		if got, want := left.Values(), dora.NewSample(vs[:cut]).Values(); !slices.Equal(got, want) {
			t.Fatalf("SubtractRun: %v, want %v", got, want)
		}
	}
}

func TestDay(t *testing.T) {
	for _, tc := range []struct {
		at   string
		want int64
	}{
		{"1970-01-01T00:00:00Z", 0},
		{"1969-12-31T23:59:59Z", -1},
		{"2026-03-29T00:30:00+01:00", 20540}, // 2026-03-28 UTC
	} {
		if got := dora.Day(at(t, tc.at)); got != tc.want {
			t.Errorf("Day(%s) = %d, want %d", tc.at, got, tc.want)
		}
	}
}
