package web

import (
	"container/list"
	"sync"
	"sync/atomic"

	"gapmap/app/charts"
)

// chartCache keeps the built dashboards of recent snapshot versions, so
// that views of the same results build their chart options once. It is
// bounded: the least recently used entry goes when it is full. Entries
// are shared by concurrent views and never changed after put.
type chartCache struct {
	mu     sync.Mutex
	max    int
	order  *list.List // of *chartEntry, most recently used first
	byKey  map[string]*list.Element
	builds atomic.Int64 // dashboards built (cache misses), for tests
}

type chartEntry struct {
	key    string
	boards []charts.Dashboard
}

func newChartCache(max int) *chartCache {
	return &chartCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (cc *chartCache) get(key string) ([]charts.Dashboard, bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	el, ok := cc.byKey[key]
	if !ok {
		return nil, false
	}
	cc.order.MoveToFront(el)
	return el.Value.(*chartEntry).boards, true
}

func (cc *chartCache) put(key string, boards []charts.Dashboard) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if el, ok := cc.byKey[key]; ok {
		el.Value.(*chartEntry).boards = boards
		cc.order.MoveToFront(el)
		return
	}
	cc.byKey[key] = cc.order.PushFront(&chartEntry{key: key, boards: boards})
	for cc.order.Len() > cc.max {
		last := cc.order.Back()
		cc.order.Remove(last)
		delete(cc.byKey, last.Value.(*chartEntry).key)
	}
}

func (cc *chartCache) len() int {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.order.Len()
}
