package store_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/questionnaires"
)

// TestUploadOlderVersionAgain: uploading the exact bytes of an older
// version makes that version the latest again, without storing a copy.
func TestUploadOlderVersionAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		org, _ := signUp(t, s, "Acme", "ann@example.com")
		mini, err := os.ReadFile("../../questionnaires/testdata/mini.yaml")
		if err != nil {
			t.Fatal(err)
		}
		v1 := string(mini)
		v2 := strings.Replace(v1, "title: Mini", "title: Mini two", 1)
		steps := []struct {
			name, src string
			wantSeq   int
			wantTitle string
			sameAs    int // step whose version id this one must return, or -1
		}{
			{"first upload", v1, 1, "Mini", -1},
			{"second version", v2, 2, "Mini two", -1},
			{"the first again", v1, 3, "Mini", 0},
			{"the first once more", v1, 3, "Mini", 0},
			{"the second again", v2, 4, "Mini two", 1},
		}
		ids := make([]int64, len(steps))
		for i, st := range steps {
			q, err := questionnaires.Parse("x.yaml", []byte(st.src))
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.UploadQuestionnaire(ctx, org.ID, q, []byte(st.src))
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			ids[i] = p.VersionID
			if st.sameAs >= 0 && p.VersionID != ids[st.sameAs] {
				t.Errorf("%s: version %d, want the stored %d", st.name, p.VersionID, ids[st.sameAs])
			}
			if p.Seq != st.wantSeq {
				t.Errorf("%s: seq %d, want %d", st.name, p.Seq, st.wantSeq)
			}
			latest, err := s.OrgQuestionnaire(ctx, org.ID, q.Key)
			if err != nil {
				t.Fatal(err)
			}
			if latest.VersionID != p.VersionID || latest.Q.Title != st.wantTitle {
				t.Errorf("%s: latest is version %d %q, want %d %q", st.name, latest.VersionID, latest.Q.Title, p.VersionID, st.wantTitle)
			}
			all, err := s.OrgQuestionnaires(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != 1 || all[0].VersionID != p.VersionID {
				t.Errorf("%s: listed %d questionnaires, want only version %d", st.name, len(all), p.VersionID)
			}
		}
	})
}
