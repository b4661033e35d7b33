package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"gapmap/app/dora"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
)

// TestConcurrentIngestTwoTeams ingests the events of two teams of one
// organization at the same time, in small batches over the same 60 days, so
// that both keep updating the same organization-day rollups: no ingest
// fails (PostgreSQL would abort one of two transactions that wait on each
// other with a deadlock error), and the rollups equal dora.FromEvents over
// the raw events, per team and for the organization.
func TestConcurrentIngestTwoTeams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		org, _, _, _ := twoOrgs(t, s)
		teams, err := s.SeedTeams(ctx, org.ID, []string{"Blue", "Green"})
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{teams[0].ID, teams[1].ID}
		deps, incs := randomEvents(rand.New(rand.NewPCG(3, 5)), ids, 1200)
		const batch = 25
		errs := make(chan error, len(ids))
		var wg sync.WaitGroup
		for _, team := range ids {
			td, ti := teamEvents(deps, incs, team)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i, j := 0, 0; i < len(td) || j < len(ti); i, j = i+batch, j+batch/3 {
					if _, err := s.IngestDeployments(ctx, org.ID, team, td[min(i, len(td)):min(i+batch, len(td))]); err != nil {
						errs <- fmt.Errorf("team %d deployments %d: %w", team, i, err)
						return
					}
					if _, err := s.IngestIncidents(ctx, org.ID, team, ti[min(j, len(ti)):min(j+batch/3, len(ti))]); err != nil {
						errs <- fmt.Errorf("team %d incidents %d: %w", team, j, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if t.Failed() {
			return
		}
		day := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
		checkEachTeam(t, s, org.ID, ids, deps, incs, []dora.Window{
			dora.NewWindow(day("2025-12-31"), day("2026-03-02")),
			dora.NewWindow(day("2026-02-01"), day("2026-02-14")),
		})
	})
}
