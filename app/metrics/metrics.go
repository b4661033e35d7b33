// Package metrics holds gapmap's Prometheus metrics: one registry per
// process, passed down to the parts that record into it (never the global
// default registry), and served in the Prometheus text format by Handler on
// a listener of its own.
package metrics

import (
	"database/sql"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Sources are read at every scrape. Either may be nil: its metric is then
// left out.
type Sources struct {
	// PendingRounds counts the pending results.recompute jobs.
	PendingRounds func() (int64, error)
	// PendingEmails counts the outbox emails waiting to be sent.
	PendingEmails func() (int64, error)
	// DBStats returns the database pool's statistics.
	DBStats func() sql.DBStats
}

// Metrics is the registry and the metrics gapmap records. A nil *Metrics
// records nothing, so code paths need no check.
type Metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	durations *prometheus.HistogramVec
	answers   prometheus.Counter
	submits   prometheus.Counter
	recompute prometheus.Histogram
}

// New returns the metrics registered on a new registry, with the Go and
// process collectors and the scrape-time gauges of src.
func New(src Sources) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gapmap_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gapmap_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
		answers: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gapmap_answers_saved_total",
			Help: "Survey answers saved (autosave and page saves).",
		}),
		submits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gapmap_submissions_total",
			Help: "Survey responses submitted.",
		}),
		recompute: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "gapmap_results_recompute_seconds",
			Help:    "Time to recompute a round's results.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.durations, m.answers, m.submits, m.recompute,
	)
	if src.PendingRounds != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "gapmap_results_pending_rounds",
			Help: "Rounds whose results wait for a recompute (pending results.recompute jobs); NaN when the database does not answer.",
		}, func() float64 {
			n, err := src.PendingRounds()
			if err != nil {
				return math.NaN()
			}
			return float64(n)
		}))
	}
	if src.PendingEmails != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "gapmap_outbox_pending",
			Help: "Emails of the outbox waiting to be sent (queued or being retried); NaN when the database does not answer.",
		}, func() float64 {
			n, err := src.PendingEmails()
			if err != nil {
				return math.NaN()
			}
			return float64(n)
		}))
	}
	if src.DBStats != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "gapmap_db_open_connections",
			Help: "Open database connections of the pool, in use or idle.",
		}, func() float64 { return float64(src.DBStats().OpenConnections) }))
	}
	return m
}

// Registry returns the registry (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request records one answered HTTP request. route is the route pattern,
// never the path (paths carry survey tokens and ids).
func (m *Metrics) Request(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.durations.WithLabelValues(route, method).Observe(d.Seconds())
}

// AnswersSaved adds n saved answers.
func (m *Metrics) AnswersSaved(n int) {
	if m == nil || n <= 0 {
		return
	}
	m.answers.Add(float64(n))
}

// Submitted counts one submitted response.
func (m *Metrics) Submitted() {
	if m == nil {
		return
	}
	m.submits.Inc()
}

// ObserveRecompute records how long one recompute of a round's results took.
func (m *Metrics) ObserveRecompute(d time.Duration) {
	if m == nil {
		return
	}
	m.recompute.Observe(d.Seconds())
}
