package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gapmap/app/apperr"
	"gapmap/app/dora"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
)

// randomEvents makes deployments and incidents over 60 days for the given
// teams, with duplicates, non-production deployments, incidents naming
// deployments sent before and after them, and unresolved incidents.
func randomEvents(r *rand.Rand, teams []int64, n int) ([]dora.Deployment, []dora.Incident) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var deps []dora.Deployment
	var incs []dora.Incident
	for i := range n {
		team := teams[r.IntN(len(teams))]
		fin := base.Add(time.Duration(r.Int64N(60*24*3600)) * time.Second).In(time.FixedZone("x", (r.IntN(25)-12)*3600))
		d := dora.Deployment{Team: team, ID: fmt.Sprintf("d%d", r.IntN(n)), FinishedAt: fin, Status: dora.StatusSuccess}
		if r.IntN(5) == 0 {
			d.Status = dora.StatusFailure
		}
		switch r.IntN(6) {
		case 0:
			d.Environment = "staging"
		case 1:
			d.Environment = "PRODUCTION"
		}
		switch r.IntN(3) {
		case 0:
			v := r.Int64N(200000)
			d.LeadTimeSeconds = &v
		case 1:
			for range 1 + r.IntN(4) {
				d.Commits = append(d.Commits, dora.Commit{SHA: "c", CommittedAt: fin.Add(-time.Duration(r.Int64N(400000)) * time.Second)})
			}
		}
		deps = append(deps, d)
		if i%3 == 0 {
			start := base.Add(time.Duration(r.Int64N(60*24*3600)) * time.Second)
			in := dora.Incident{Team: team, ID: fmt.Sprintf("i%d", r.IntN(n)), StartedAt: start}
			if r.IntN(4) > 0 {
				res := start.Add(time.Duration(r.Int64N(100000)) * time.Second)
				in.ResolvedAt = &res
			}
			if r.IntN(2) == 0 {
				in.DeploymentID = fmt.Sprintf("d%d", r.IntN(n))
			}
			incs = append(incs, in)
		}
	}
	return deps, incs
}

// TestRollupsMatchEvents ingests random events in batches, interleaving
// deployments and incidents, and checks the rollups against dora.FromEvents
// over the raw events for several windows, per team and for the
// organization.
func TestRollupsMatchEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org, _, other, _ := twoOrgs(t, s)
		teams, err := s.SeedTeams(ctx, org.ID, []string{"Blue", "Green"})
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{teams[0].ID, teams[1].ID}
		r := rand.New(rand.NewPCG(7, 11))
		deps, incs := randomEvents(r, ids, 600)
		var wantAccepted int
		seen := map[string]bool{}
		for _, d := range deps {
			k := fmt.Sprint(d.Team, d.ID)
			if !seen[k] {
				seen[k] = true
				wantAccepted++
			}
		}
		gotAccepted := 0
		for i := 0; i < len(deps); i += 100 {
			for _, team := range ids {
				var batch []dora.Deployment
				for _, d := range deps[i:min(i+100, len(deps))] {
					if d.Team == team {
						batch = append(batch, d)
					}
				}
				res, err := s.IngestDeployments(ctx, org.ID, team, batch)
				if err != nil {
					t.Fatal(err)
				}
				if res.Accepted+res.Duplicates != len(batch) {
					t.Fatalf("accepted %d + duplicates %d != %d sent", res.Accepted, res.Duplicates, len(batch))
				}
				gotAccepted += res.Accepted
				j := i / 3
				var ib []dora.Incident
				for _, in := range incs[j:min(j+34, len(incs))] {
					if in.Team == team {
						ib = append(ib, in)
					}
				}
				if _, err := s.IngestIncidents(ctx, org.ID, team, ib); err != nil {
					t.Fatal(err)
				}
			}
		}
		if gotAccepted != wantAccepted {
			t.Errorf("accepted %d deployments, want %d", gotAccepted, wantAccepted)
		}
		day := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
		windows := []dora.Window{
			dora.NewWindow(day("2026-01-01"), day("2026-03-01")),
			dora.NewWindow(day("2026-01-10"), day("2026-01-10")),
			dora.NewWindow(day("2026-02-01"), day("2026-02-20")),
			dora.NewWindow(day("2025-01-01"), day("2025-02-01")),
		}
		checkEachTeam(t, s, org.ID, ids, deps, incs, windows)
		by, err := s.DoraTotalsByTeam(ctx, org.ID, windows[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(by) != 2 || by[ids[0]].Deployments == 0 {
			t.Errorf("per team: %v", by)
		}
		// Deleting a team takes its events out of the organization's rollups.
		if err := s.DeleteTeam(ctx, org.ID, ids[0]); err != nil {
			t.Fatal(err)
		}
		var keptD []dora.Deployment
		var keptI []dora.Incident
		for _, d := range deps {
			if d.Team == ids[1] {
				keptD = append(keptD, d)
			}
		}
		for _, in := range incs {
			if in.Team == ids[1] {
				keptI = append(keptI, in)
			}
		}
		for _, w := range windows {
			checkTotals(t, s, org.ID, 0, w, dora.FromEvents(keptD, keptI, w))
		}
		// Another organization sees nothing and cannot write to these teams.
		if got, _ := s.DoraTotals(ctx, other.ID, 0, windows[0]); got.Deployments != 0 || got.Incidents != 0 {
			t.Errorf("another organization sees %+v", got)
		}
		if has, err := s.HasDeliveryDays(ctx, other.ID, windows[0]); has || err != nil {
			t.Errorf("another organization has delivery days: %t, %v", has, err)
		}
		_, err = s.IngestDeployments(ctx, other.ID, ids[1], deps[:1])
		if apperr.Code(err) != apperr.ENotFound {
			t.Errorf("ingest into another organization's team: %v, want not found", err)
		}
	})
}

// teamEvents keeps the events of one team (0: all of them).
func teamEvents(deps []dora.Deployment, incs []dora.Incident, team int64) ([]dora.Deployment, []dora.Incident) {
	var td []dora.Deployment
	var ti []dora.Incident
	for _, d := range deps {
		if team == 0 || d.Team == team {
			td = append(td, d)
		}
	}
	for _, in := range incs {
		if team == 0 || in.Team == team {
			ti = append(ti, in)
		}
	}
	return td, ti
}

// checkEachTeam compares the store's totals with dora.FromEvents over the
// raw events, for each window, each team and the organization.
func checkEachTeam(t *testing.T, s *store.Store, orgID int64, teams []int64, deps []dora.Deployment, incs []dora.Incident, windows []dora.Window) {
	t.Helper()
	for _, w := range windows {
		for _, team := range append([]int64{0}, teams...) {
			td, ti := teamEvents(deps, incs, team)
			checkTotals(t, s, orgID, team, w, dora.FromEvents(td, ti, w))
		}
	}
}

// checkTotals compares the store's totals of a window with want.
func checkTotals(t *testing.T, s *store.Store, orgID, teamID int64, w dora.Window, want dora.Totals) {
	t.Helper()
	got, err := s.DoraTotals(context.Background(), orgID, teamID, w)
	if err != nil {
		t.Fatal(err)
	}
	show := func(x dora.Totals) string {
		return fmt.Sprint(x.Days, x.Deployments, x.Failed, x.Incidents, x.LeadTimes.Values(), x.Recoveries.Values())
	}
	if show(got) != show(want) {
		t.Errorf("window %+v team %d:\n got %s\nwant %s", w, teamID, show(got), show(want))
	}
	if teamID != 0 {
		return
	}
	// A rollup day exists for each day with a deployment, an incident or a recovery.
	wantHas := want.Deployments > 0 || want.Incidents > 0 || len(want.Recoveries.Values()) > 0
	if has, err := s.HasDeliveryDays(context.Background(), orgID, w); err != nil || has != wantHas {
		t.Errorf("window %+v: HasDeliveryDays %t, %v; want %t", w, has, err, wantHas)
	}
}
