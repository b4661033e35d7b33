package web

import (
	"fmt"
	"testing"

	"gapmap/app/charts"
)

// TestChartCacheLRU: a bounded cache keeps the most recently used entries.
func TestChartCacheLRU(t *testing.T) {
	cc := newChartCache(2)
	board := func(n int) []charts.Dashboard { return []charts.Dashboard{{Headline: charts.Headline{Respondents: n}}} }
	steps := []struct {
		name string
		do   func()
		key  string
		want int // respondents of the cached board; 0: absent
	}{
		{name: "miss", do: func() {}, key: "a"},
		{name: "put a", do: func() { cc.put("a", board(1)) }, key: "a", want: 1},
		{name: "put b", do: func() { cc.put("b", board(2)) }, key: "b", want: 2},
		{name: "a used last", do: func() { cc.get("a") }, key: "a", want: 1},
		{name: "c evicts b, the least recently used", do: func() { cc.put("c", board(3)) }, key: "b"},
		{name: "a stays", do: func() {}, key: "a", want: 1},
		{name: "c is there", do: func() {}, key: "c", want: 3},
		{name: "put a again replaces", do: func() { cc.put("a", board(4)) }, key: "a", want: 4},
	}
	for _, st := range steps {
		st.do()
		got, ok := cc.get(st.key)
		switch {
		case st.want == 0 && ok:
			t.Errorf("%s: %q cached, want absent", st.name, st.key)
		case st.want != 0 && (!ok || len(got) != 1 || got[0].Headline.Respondents != st.want):
			t.Errorf("%s: %q = %v, %v; want the board of %d", st.name, st.key, got, ok, st.want)
		}
		if n := cc.len(); n > 2 {
			t.Errorf("%s: %d entries, bound is 2", st.name, n)
		}
	}
	for i := range 10 {
		cc.put(fmt.Sprint("k", i), board(i+1))
	}
	if n := cc.len(); n != 2 {
		t.Errorf("after 10 puts: %d entries, want 2", n)
	}
}
