package store

// LimitCachedAnswers sets how many answers the cache may hold and reports
// how many it holds, and for how many rounds.
func (s *Store) LimitCachedAnswers(n int) {
	s.answers.mu.Lock()
	s.answers.maxAnswers = n
	s.answers.mu.Unlock()
}

// CachedAnswers reports the answers and rounds the cache holds.
func (s *Store) CachedAnswers() (answers, rounds int) {
	s.answers.mu.Lock()
	defer s.answers.mu.Unlock()
	return s.answers.total, len(s.answers.rounds)
}
