package web

import (
	"sync"
	"time"

	"github.com/gofiber/fiber/v2/utils"
)

// missLimiter counts requests with unknown survey tokens per client IP in
// fixed windows. Only misses count, and a client over the limit is refused
// before its token is looked up, so guessing stays slow while respondents
// behind one address are never limited by their own successful requests.
type missLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string]*missWindow
}

type missWindow struct {
	start time.Time
	n     int
}

func newMissLimiter(max int, window time.Duration) *missLimiter {
	return &missLimiter{max: max, window: window, hits: map[string]*missWindow{}}
}

func (m *missLimiter) blocked(key string, now time.Time) bool {
	if m == nil || m.max <= 0 {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	w := m.hits[key]
	return w != nil && now.Sub(w.start) < m.window && w.n >= m.max
}

func (m *missLimiter) miss(key string, now time.Time) {
	if m == nil || m.max <= 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	w := m.hits[key]
	if w == nil || now.Sub(w.start) >= m.window {
		if len(m.hits) > 10000 {
			for k, old := range m.hits {
				if now.Sub(old.start) >= m.window {
					delete(m.hits, k)
				}
			}
		}
		w = &missWindow{start: now}
		m.hits[utils.CopyString(key)] = w
	}
	w.n++
}
