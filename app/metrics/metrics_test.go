package metrics_test

import (
	"database/sql"
	"errors"
	"io"
	"math"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"gapmap/app/metrics"
)

func gather(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		out[f.GetName()] = f
	}
	return out
}

func TestRecordAndExpose(t *testing.T) {
	pending := int64(4)
	m := metrics.New(metrics.Sources{
		PendingRounds: func() (int64, error) { return pending, nil },
		PendingEmails: func() (int64, error) { return 2, nil },
		DBStats:       func() sql.DBStats { return sql.DBStats{OpenConnections: 3} },
	})
	m.Request("/s/:token", "GET", 200, 20*time.Millisecond)
	m.Request("/s/:token", "GET", 200, 30*time.Millisecond)
	m.Request("/s/:token", "GET", 404, time.Millisecond)
	m.AnswersSaved(3)
	m.AnswersSaved(0)
	m.AnswersSaved(-2)
	m.Submitted()
	m.ObserveRecompute(40 * time.Millisecond)
	fams := gather(t, m)

	tests := []struct {
		name string
		typ  dto.MetricType
		want float64 // the sum over the family's metrics (a histogram's count)
	}{
		{"gapmap_http_requests_total", dto.MetricType_COUNTER, 3},
		{"gapmap_http_request_duration_seconds", dto.MetricType_HISTOGRAM, 3},
		{"gapmap_answers_saved_total", dto.MetricType_COUNTER, 3},
		{"gapmap_submissions_total", dto.MetricType_COUNTER, 1},
		{"gapmap_results_recompute_seconds", dto.MetricType_HISTOGRAM, 1},
		{"gapmap_results_pending_rounds", dto.MetricType_GAUGE, 4},
		{"gapmap_db_open_connections", dto.MetricType_GAUGE, 3},
		{"gapmap_outbox_pending", dto.MetricType_GAUGE, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := fams[tc.name]
			if f == nil {
				t.Fatal("not registered")
			}
			if f.GetType() != tc.typ {
				t.Fatalf("type %v, want %v", f.GetType(), tc.typ)
			}
			var sum float64
			for _, m := range f.Metric {
				sum += m.GetCounter().GetValue() + m.GetGauge().GetValue() + float64(m.GetHistogram().GetSampleCount())
			}
			if sum != tc.want {
				t.Fatalf("value %v, want %v", sum, tc.want)
			}
		})
	}
	if n := len(fams["gapmap_http_requests_total"].Metric); n != 2 {
		t.Errorf("%d request series, want 2 (one per status)", n)
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if fams[name] == nil {
			t.Errorf("collector metric %s missing", name)
		}
	}

	pending = 0
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{"# TYPE gapmap_results_pending_rounds gauge", "gapmap_results_pending_rounds 0", `gapmap_http_requests_total{method="GET",route="/s/:token",status="404"} 1`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the text format lacks %q", want)
		}
	}
}

func TestPendingRoundsUnknownWhenTheDatabaseFails(t *testing.T) {
	m := metrics.New(metrics.Sources{PendingRounds: func() (int64, error) { return 0, errors.New("database down") }})
	f := gather(t, m)["gapmap_results_pending_rounds"]
	if f == nil || !math.IsNaN(f.Metric[0].GetGauge().GetValue()) {
		t.Fatalf("pending rounds with a failing database = %v, want NaN", f)
	}
	if gather(t, m)["gapmap_db_open_connections"] != nil {
		t.Error("a gauge without a source is registered")
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *metrics.Metrics
	m.Request("/", "GET", 200, time.Millisecond)
	m.AnswersSaved(1)
	m.Submitted()
	m.ObserveRecompute(time.Second)
}
