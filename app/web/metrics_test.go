package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"gapmap/app/jobs"
	"gapmap/app/metrics"
	"gapmap/app/results"
	"gapmap/app/store"
	"gapmap/app/store/storetest"
	"gapmap/app/web"
)

// metricsServer is a test server with metrics on, as gapmap serve wires
// them, and the metrics handler served on a listener of its own.
func metricsServer(t *testing.T) (*testServer, string) {
	t.Helper()
	st := storetest.SQLite(t)
	m := metrics.New(metrics.Sources{
		PendingRounds: func() (int64, error) { return st.PendingJobs(context.Background(), store.RecomputeKind) },
		DBStats:       st.DBStats,
	})
	runner := jobs.New(st, jobs.Options{})
	results.Register(runner, st, m)
	ts := newTestServerWith(t, st, serverOptions{deps: func(d *web.Deps) { d.Jobs, d.Metrics = runner, m }})
	scrape := httptest.NewServer(m.Handler())
	t.Cleanup(scrape.Close)
	return ts, scrape.URL + "/metrics"
}

// scrape fetches and parses the metrics in the Prometheus text format.
func scrape(t *testing.T, target string) map[string]*dto.MetricFamily {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(target)
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("scrape: status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse the scrape: %v", err)
	}
	return fams
}

// sample returns the value of the family's metric whose labels include
// want (a counter's value, a gauge's value, or a histogram's count).
func sample(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
	var total float64
	for _, m := range f.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range want {
			if labels[k] != v {
				match = false
			}
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			total += m.Counter.GetValue()
		case m.Gauge != nil:
			total += m.Gauge.GetValue()
		case m.Histogram != nil:
			total += float64(m.Histogram.GetSampleCount())
		}
	}
	return total
}

func TestMetricsScrape(t *testing.T) {
	ts, target := metricsServer(t)
	before := scrape(t, target)

	o := ts.newOrg("Metrics org", "Payments")
	round := ts.newRound(o, "cncf-platform-maturity")
	token := round.Tokens[0]
	answers := ts.allAnswers(token)
	for _, a := range answers {
		ts.want(ts.putAnswer(token, a), http.StatusOK, "answer")
	}
	ts.want(ts.call("POST", "/api/v1/survey/"+token+"/submit", "", nil), http.StatusOK, "submit")
	ts.want(ts.call("POST", "/api/v1/survey/"+token+"/submit", "", nil), http.StatusOK, "submit again")
	ts.want(ts.call("GET", "/no/such/page/"+token, "", nil), http.StatusNotFound, "unknown path")
	after := scrape(t, target)

	types := []struct {
		name string
		typ  dto.MetricType
	}{
		{"gapmap_http_requests_total", dto.MetricType_COUNTER},
		{"gapmap_http_request_duration_seconds", dto.MetricType_HISTOGRAM},
		{"gapmap_answers_saved_total", dto.MetricType_COUNTER},
		{"gapmap_submissions_total", dto.MetricType_COUNTER},
		{"gapmap_results_recompute_seconds", dto.MetricType_HISTOGRAM},
		{"gapmap_results_pending_rounds", dto.MetricType_GAUGE},
		{"gapmap_db_open_connections", dto.MetricType_GAUGE},
		{"go_goroutines", dto.MetricType_GAUGE},
		{"process_cpu_seconds_total", dto.MetricType_COUNTER},
	}
	for _, tc := range types {
		f := after[tc.name]
		if f == nil {
			t.Errorf("%s is not exposed", tc.name)
			continue
		}
		if f.GetType() != tc.typ {
			t.Errorf("%s has type %v, want %v", tc.name, f.GetType(), tc.typ)
		}
	}

	answersRoute := map[string]string{"route": "/api/v1/survey/:token/answers", "method": "PUT", "status": "200"}
	moves := []struct {
		name         string
		labels       map[string]string
		before, want float64
	}{
		{"gapmap_http_requests_total", answersRoute, sample(before, "gapmap_http_requests_total", answersRoute), float64(len(answers))},
		{"gapmap_http_request_duration_seconds", map[string]string{"route": "/api/v1/survey/:token/answers", "method": "PUT"}, 0, float64(len(answers))},
		{"gapmap_http_requests_total", map[string]string{"route": "/api/v1/survey/:token/submit", "status": "200"}, 0, 2},
		{"gapmap_http_requests_total", map[string]string{"route": "unmatched", "status": "404"}, 0, 1},
		{"gapmap_answers_saved_total", nil, sample(before, "gapmap_answers_saved_total", nil), float64(len(answers))},
		{"gapmap_submissions_total", nil, sample(before, "gapmap_submissions_total", nil), 1},
		{"gapmap_results_recompute_seconds", nil, 0, 1},
	}
	for _, tc := range moves {
		got := sample(after, tc.name, tc.labels) - max(tc.before, 0)
		if tc.name == "gapmap_results_recompute_seconds" {
			if got < tc.want {
				t.Errorf("%s moved by %v, want at least %v", tc.name, got, tc.want)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%s%v moved by %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	if v := sample(after, "gapmap_results_pending_rounds", nil); v != 0 {
		t.Errorf("pending rounds after the jobs settled = %v, want 0", v)
	}
	if v := sample(after, "gapmap_db_open_connections", nil); v < 1 {
		t.Errorf("open connections = %v, want at least 1", v)
	}
	for _, m := range after["gapmap_http_requests_total"].Metric {
		for _, l := range m.Label {
			if strings.Contains(l.GetValue(), token) {
				t.Fatalf("a label carries the survey token: %s=%q", l.GetName(), l.GetValue())
			}
		}
	}
}

// TestMetricsPendingRounds checks that the pending gauge reads the store at
// scrape time.
func TestMetricsPendingRounds(t *testing.T) {
	ts, target := metricsServer(t)
	ctx := context.Background()
	for _, key := range []string{"a", "b", "c"} {
		if err := ts.st.EnqueueJob(ctx, store.NewJob{Kind: store.RecomputeKind, DedupeKey: key, Payload: []byte(`{}`), RunAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatalf("enqueue: %v", err)
		}
	}
	if v := sample(scrape(t, target), "gapmap_results_pending_rounds", nil); v != 3 {
		t.Fatalf("pending rounds = %v, want 3", v)
	}
}
