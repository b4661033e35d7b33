package results_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"gapmap/app/results"
	"gapmap/app/scoring"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// fuzzBytes hands out the fuzzer's bytes one at a time, then zeros.
type fuzzBytes struct {
	data []byte
	pos  int
}

func (b *fuzzBytes) next() int {
	if b.pos >= len(b.data) {
		return 0
	}
	b.pos++
	return int(b.data[b.pos-1])
}

func (b *fuzzBytes) rest() []byte {
	if b.pos >= len(b.data) {
		return nil
	}
	return b.data[b.pos:]
}

// genScoringData builds the data of one round from the fuzzer's bytes: a
// subset of the shipped questionnaires, teams, submitted responses with
// answers, N/A and gaps, target overrides, and a previous round. With
// corrupt set, the stored JSON (targets, previous result) may be garbage.
func genScoringData(t *testing.T, shipped []*questionnaires.Questionnaire, b *fuzzBytes, withPrevious bool) (d *store.ScoringData, corrupt bool) {
	t.Helper()
	flags := b.next()
	corrupt = flags&0x80 != 0
	d = &store.ScoringData{Assessment: models.Assessment{ID: 7, OrgID: 1, Status: models.AssessmentOpen}, Previous: map[string][]byte{}}
	minLevels := math.MaxInt
	for i, q := range shipped {
		if flags&(1<<i) != 0 || (i == len(shipped)-1 && len(d.Questionnaires) == 0) {
			d.Questionnaires = append(d.Questionnaires, store.ScoredQuestionnaire{Key: q.Key, Position: len(d.Questionnaires), VersionID: int64(i + 1), Q: q})
			minLevels = min(minLevels, len(q.Levels))
		}
	}
	d.Assessment.DefaultTarget = 1 + b.next()%minLevels
	targets := map[string]int{}
	for _, sq := range d.Questionnaires {
		for _, dim := range sq.Q.Dimensions {
			if v := b.next(); v%3 == 0 {
				targets[sq.Key+"/"+dim.Key] = 1 + v%len(sq.Q.Levels)
			}
		}
	}
	js, _ := json.Marshal(targets)
	d.Assessment.Targets = string(js)
	if corrupt && b.next()%2 == 0 {
		d.Assessment.Targets = string(b.rest())
	}
	nTeams := 1 + b.next()%4
	for i := range nTeams {
		d.Teams = append(d.Teams, models.Team{ID: int64(10 + i), OrgID: 1, Name: fmt.Sprintf("Team %d", i)})
	}
	nResp := b.next() % 10
	for r := range nResp {
		sr := store.SubmittedResponse{ID: int64(100 + r), TeamID: d.Teams[b.next()%nTeams].ID}
		for _, sq := range d.Questionnaires {
			for _, dim := range sq.Q.Dimensions {
				for _, qu := range dim.Questions {
					a := store.ScoredAnswer{QuestionnaireKey: sq.Key, QuestionKey: qu.Key}
					switch v := b.next(); {
					case v%5 == 0:
						continue // unanswered
					case v%5 == 1:
						a.NA = true
					case sq.Q.Scale == questionnaires.ScaleLikert:
						a.Value = 1 + (v/5)%5
					default:
						a.Level = qu.Options[(v/5)%len(qu.Options)].Level
					}
					sr.Answers = append(sr.Answers, a)
				}
			}
		}
		if b.next()%4 == 0 {
			// Answers to a questionnaire the round does not use are ignored.
			sr.Answers = append(sr.Answers, store.ScoredAnswer{QuestionnaireKey: "not-in-round", QuestionKey: "x", Level: 9})
		}
		d.Responses = append(d.Responses, sr)
	}
	if withPrevious && flags&0x40 != 0 {
		prev, _ := genScoringData(t, shipped, &fuzzBytes{data: append([]byte{byte(flags & 0x3f)}, b.rest()...)}, false)
		prev.Questionnaires = d.Questionnaires
		prev.Assessment.DefaultTarget = d.Assessment.DefaultTarget
		prs, err := results.Compute(prev)
		if err == nil {
			for _, pr := range prs {
				js, err := json.Marshal(pr)
				if err != nil {
					t.Fatalf("previous result does not encode: %v", err)
				}
				d.Previous[pr.Key] = js
			}
		}
		if corrupt && b.next()%2 == 0 {
			d.Previous[d.Questionnaires[0].Key] = b.rest()
		}
	}
	return d, corrupt
}

// FuzzResults feeds random rounds through results.Compute: it never
// panics, fails only on corrupt stored JSON, and its results are
// deterministic, encodable (no NaN), within the scale, and cover every
// questionnaire and team of the round.
func FuzzResults(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x01, 2, 0, 3, 3, 4, 2, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add([]byte{0x43, 1, 3, 6, 9, 2, 4, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25})
	f.Add([]byte{0x83, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '{', '"', 'x'})
	f.Add([]byte{0xc2, 2, 3, 4, 5, 6, 7, 8, 9, 0, 'n', 'u', 'l', 'l'})
	f.Add(bytes.Repeat([]byte{0x47, 200, 13, 255, 7}, 60))
	shipped, err := questionnaires.Shipped()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, corrupt := genScoringData(t, shipped, &fuzzBytes{data: data}, true)
		rs, err := results.Compute(d)
		if err != nil {
			if !corrupt {
				t.Fatalf("Compute on valid data: %v", err)
			}
			return
		}
		again, err := results.Compute(d)
		if err != nil {
			t.Fatalf("second Compute: %v", err)
		}
		js1, err1 := json.Marshal(rs)
		js2, err2 := json.Marshal(again)
		if err1 != nil || err2 != nil {
			t.Fatalf("results do not encode (NaN or Inf?): %v %v", err1, err2)
		}
		if !bytes.Equal(js1, js2) {
			t.Fatalf("Compute is not deterministic")
		}
		if len(rs) != len(d.Questionnaires) {
			t.Fatalf("%d results for %d questionnaires", len(rs), len(d.Questionnaires))
		}
		perTeam := map[int64]int{}
		for _, r := range d.Responses {
			perTeam[r.TeamID]++
		}
		for i, r := range rs {
			q := d.Questionnaires[i].Q
			if r.Key != q.Key {
				t.Fatalf("result %d is %q, want %q", i, r.Key, q.Key)
			}
			top := float64(len(q.Levels)) // level scale: scores on 1..N
			if q.Scale == questionnaires.ScaleLikert {
				top = 100 // likert: scores on 0..100
			}
			checkOverall(t, r.Key, r.Overall, len(q.Levels), top)
			if len(r.Dimensions) != len(q.Dimensions) {
				t.Fatalf("%s: %d dimension results for %d dimensions", r.Key, len(r.Dimensions), len(q.Dimensions))
			}
			for _, dr := range r.Dimensions {
				checkLevel(t, r.Key+"/"+dr.Key, dr.Level, dr.Score, len(q.Levels), top)
				if dr.Target < 1 || dr.Target > len(q.Levels) {
					t.Fatalf("%s/%s: target %d", r.Key, dr.Key, dr.Target)
				}
				if dr.Previous != nil && dr.Change != nil && dr.Level != nil && dr.Change.Level != *dr.Level-dr.Previous.Level {
					t.Fatalf("%s/%s: change %d from %d to %d", r.Key, dr.Key, dr.Change.Level, dr.Previous.Level, *dr.Level)
				}
			}
			if len(r.Teams) != len(d.Teams) {
				t.Fatalf("%s: %d team results for %d teams", r.Key, len(r.Teams), len(d.Teams))
			}
			for j, tr := range r.Teams {
				if tr.ID != d.Teams[j].ID {
					t.Fatalf("%s: team %d is %d, want %d (round order)", r.Key, j, tr.ID, d.Teams[j].ID)
				}
				if tr.Respondents != perTeam[tr.ID] {
					t.Fatalf("%s: team %d has %d respondents, want %d", r.Key, tr.ID, tr.Respondents, perTeam[tr.ID])
				}
				checkOverall(t, r.Key, tr.Overall, len(q.Levels), top)
				for _, td := range tr.Dimensions {
					checkLevel(t, r.Key+"/"+td.Key, td.Level, td.Score, len(q.Levels), top)
				}
			}
		}
	})
}

func checkOverall(t *testing.T, what string, o scoring.Overall, levels int, top float64) {
	t.Helper()
	checkLevel(t, what, o.Level, o.Score, levels, top)
	if (o.Level == nil) != (o.Score == nil) {
		t.Fatalf("%s: overall level %v but score %v", what, o.Level, o.Score)
	}
	if o.PercentToTarget != nil && (math.IsNaN(*o.PercentToTarget) || *o.PercentToTarget < 0) {
		t.Fatalf("%s: percent to target %v", what, *o.PercentToTarget)
	}
}

func checkLevel(t *testing.T, what string, level *int, score *float64, levels int, top float64) {
	t.Helper()
	if level != nil && (*level < 1 || *level > levels) {
		t.Fatalf("%s: level %d outside 1..%d", what, *level, levels)
	}
	if score != nil && (math.IsNaN(*score) || *score < 0 || *score > top+1e-9) {
		t.Fatalf("%s: score %v outside 0..%v", what, *score, top)
	}
}
