package store_test

import (
	"context"
	"testing"
	"time"

	"gapmap/app/store"
	"gapmap/app/store/storetest"
)

// TestAuditRetention checks that a purge deletes exactly the entries older
// than its cutoff, in every organization.
func TestAuditRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := store.WithActor(context.Background(), store.Actor{Label: "ann@example.com", IP: "192.0.2.4"})
		org, _, other, _ := twoOrgs(t, s)
		for _, id := range []int64{org.ID, org.ID, other.ID} {
			if err := s.RecordSignOut(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		old := time.Now().UTC().Add(-500 * 24 * time.Hour)
		if err := s.Exec(ctx, "UPDATE audit_log SET at = ? WHERE id IN (SELECT MIN(id) FROM audit_log GROUP BY org_id)", old); err != nil {
			t.Fatal(err)
		}
		n, err := s.PurgeAudit(ctx, time.Now().Add(-400*24*time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("purged %d, %v; want the two old entries", n, err)
		}
		left, next, err := s.AuditLog(ctx, org.ID, store.AuditQuery{})
		if err != nil || len(left) != 1 || next != 0 || left[0].Actor != "ann@example.com" || left[0].IP != "192.0.2.4" {
			t.Fatalf("left %+v, next %d, %v", left, next, err)
		}
	})
}
