package store

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"gorm.io/gorm"

	"gapmap/models"
)

// answerCache keeps, per round, the answers of its submitted responses in
// a compact form, so that a recompute re-reads only the responses that
// changed since the last one: it lists the round's submitted responses
// with their revision (one short row each) and fetches the answers of the
// new and changed ones. Every change of a response's answers bumps its
// revision and updated_at (SaveAnswers, the autosave path, reopening and
// submitting), so a response whose (team, revision, updated_at) is
// unchanged has the answers already cached. A response reopened or revoked
// drops out of the list and out of the cache. The cache holds at most
// maxAnswers answers over all rounds and forgets the least recently used
// rounds first; it lives in the Store, one per process.
type answerCache struct {
	mu         sync.Mutex
	maxAnswers int
	total      int
	tick       uint64
	rounds     map[int64]*roundAnswers
}

// defaultCachedAnswers bounds the cache at about 100 MB (32 bytes an
// answer, plus the response maps): five rounds of 20,000 respondents.
const defaultCachedAnswers = 3_000_000

type roundAnswers struct {
	used  uint64
	n     int // answers held
	keys  []string
	index map[string]uint32
	resp  map[int64]cachedResponse
}

type responseHead struct {
	ID, TeamID, Revision int64
	UpdatedAt            time.Time
}

type cachedResponse struct {
	head    responseHead
	answers []packedAnswer
}

// packedAnswer is a ScoredAnswer with its keys as indexes into the round's
// key table.
type packedAnswer struct {
	questionnaire, question, option uint32
	level, value                    int32
	na, hasNumber                   bool
	number                          float64
}

// ForgetCachedAnswers empties this process's answer cache, so that the next
// read of scoring data comes from the database alone: tests compare the
// two, and gapmap-bench times a rescore from raw answers.
func (s *Store) ForgetCachedAnswers() {
	c := s.answers
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rounds, c.total = map[int64]*roundAnswers{}, 0
}

func newAnswerCache(maxAnswers int) *answerCache {
	return &answerCache{maxAnswers: maxAnswers, rounds: map[int64]*roundAnswers{}}
}

// submittedResponses reads every answer of the submitted responses of an
// assessment (revoked invitations left out), from the cache for the
// responses unchanged since the last read and from the database for the
// others, in response id order.
func (s *Store) submittedResponses(ctx context.Context, tx *gorm.DB, assessmentID int64) ([]SubmittedResponse, error) {
	var heads []responseHead
	err := tx.WithContext(ctx).Raw(`SELECT r.id, r.team_id, r.revision, r.updated_at
		FROM responses r JOIN invitations i ON i.id = r.invitation_id
		WHERE r.assessment_id = ? AND r.status = ? AND i.revoked_at IS NULL
		ORDER BY r.id`, assessmentID, models.ResponseSubmitted).Scan(&heads).Error
	if err != nil {
		return nil, fmt.Errorf("list submitted responses: %w", err)
	}
	cached := s.answers.lookup(assessmentID, heads)
	var missing []int64
	for i, h := range heads {
		if cached[i] == nil {
			missing = append(missing, h.ID)
		}
	}
	fetched := map[int64][]ScoredAnswer{}
	const batch = 500
	for from := 0; from < len(missing); from += batch {
		ids := missing[from:min(from+batch, len(missing))]
		if err := readAnswers(ctx, tx, ids, fetched); err != nil {
			return nil, err
		}
	}
	out := make([]SubmittedResponse, len(heads))
	for i, h := range heads {
		out[i] = SubmittedResponse{ID: h.ID, TeamID: h.TeamID}
		if cached[i] != nil {
			out[i].Answers = cached[i]
		} else {
			out[i].Answers = fetched[h.ID]
		}
	}
	s.answers.store(assessmentID, heads, out)
	return out, nil
}

// readAnswers adds the answers of the responses ids to into.
func readAnswers(ctx context.Context, tx *gorm.DB, ids []int64, into map[int64][]ScoredAnswer) error {
	rows, err := tx.WithContext(ctx).Raw(`SELECT response_id, questionnaire_key, question_key, option_key, level, value, na, number
		FROM answers WHERE response_id IN ?`, ids).Rows()
	if err != nil {
		return fmt.Errorf("load answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id           int64
			qk, key      string
			opt          *string
			level, value *int
			na           *bool
			number       *float64
		)
		if err := rows.Scan(&id, &qk, &key, &opt, &level, &value, &na, &number); err != nil {
			return fmt.Errorf("read answer: %w", err)
		}
		a := ScoredAnswer{QuestionnaireKey: qk, QuestionKey: key, NA: na != nil && *na, Number: number}
		if opt != nil {
			a.OptionKey = *opt
		}
		if level != nil {
			a.Level = *level
		}
		if value != nil {
			a.Value = *value
		}
		into[id] = append(into[id], a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read answers: %w", err)
	}
	return nil
}

// lookup returns, for each head, the cached answers of that response when
// the cache holds it at the same team, revision and time, else nil.
func (c *answerCache) lookup(assessmentID int64, heads []responseHead) [][]ScoredAnswer {
	out := make([][]ScoredAnswer, len(heads))
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rounds[assessmentID]
	if r == nil {
		return out
	}
	c.tick++
	r.used = c.tick
	// One backing array for every answer handed out.
	n := 0
	for _, h := range heads {
		if cr, ok := r.resp[h.ID]; ok && cr.head == h {
			n += len(cr.answers)
		}
	}
	all := make([]ScoredAnswer, 0, n)
	for i, h := range heads {
		cr, ok := r.resp[h.ID]
		if !ok || cr.head != h {
			continue
		}
		from := len(all)
		for _, p := range cr.answers {
			a := ScoredAnswer{QuestionnaireKey: r.keys[p.questionnaire], QuestionKey: r.keys[p.question], OptionKey: r.keys[p.option],
				Level: int(p.level), Value: int(p.value), NA: p.na}
			if p.hasNumber {
				v := p.number
				a.Number = &v
			}
			all = append(all, a)
		}
		out[i] = all[from:len(all):len(all)] // not nil: nil means "not cached"
	}
	return out
}

// store replaces the round's cached responses with rs (read at heads),
// keeping the packed answers of those unchanged, then forgets the least
// recently used other rounds while the cache holds too many answers. A
// round larger than the whole cache is not kept.
func (c *answerCache) store(assessmentID int64, heads []responseHead, rs []SubmittedResponse) {
	n := 0
	for _, r := range rs {
		n += len(r.Answers)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.rounds[assessmentID]
	if old != nil {
		c.total -= old.n
		delete(c.rounds, assessmentID)
	}
	if n > c.maxAnswers {
		return
	}
	r := &roundAnswers{index: map[string]uint32{"": 0}, keys: []string{""}, resp: make(map[int64]cachedResponse, len(rs)), n: n}
	if old != nil {
		r.keys, r.index = old.keys, old.index // the key table only grows
	}
	intern := func(s string) uint32 {
		if i, ok := r.index[s]; ok {
			return i
		}
		r.keys = append(r.keys, s)
		r.index[s] = uint32(len(r.keys) - 1)
		return uint32(len(r.keys) - 1)
	}
	kept := func(i int) (cachedResponse, bool) {
		if old == nil {
			return cachedResponse{}, false
		}
		cr, ok := old.resp[heads[i].ID]
		return cr, ok && cr.head == heads[i]
	}
	fresh := 0
	for i, resp := range rs {
		if _, ok := kept(i); !ok {
			fresh += len(resp.Answers)
		}
	}
	packed := make([]packedAnswer, 0, fresh)
	for i, resp := range rs {
		if cr, ok := kept(i); ok {
			r.resp[resp.ID] = cr
			continue
		}
		from := len(packed)
		for _, a := range resp.Answers {
			p := packedAnswer{questionnaire: intern(a.QuestionnaireKey), question: intern(a.QuestionKey), option: intern(a.OptionKey),
				level: clamp32(a.Level), value: clamp32(a.Value), na: a.NA}
			if a.Number != nil {
				p.hasNumber, p.number = true, *a.Number
			}
			packed = append(packed, p)
		}
		r.resp[resp.ID] = cachedResponse{head: heads[i], answers: packed[from:len(packed):len(packed)]}
	}
	c.tick++
	r.used = c.tick
	c.rounds[assessmentID] = r
	c.total += n
	for c.total > c.maxAnswers {
		var lru int64
		var oldest uint64 = math.MaxUint64
		for id, x := range c.rounds {
			if id != assessmentID && x.used < oldest {
				lru, oldest = id, x.used
			}
		}
		if oldest == math.MaxUint64 {
			break
		}
		c.total -= c.rounds[lru].n
		delete(c.rounds, lru)
	}
}

func clamp32(v int) int32 {
	return int32(max(math.MinInt32, min(math.MaxInt32, v)))
}
