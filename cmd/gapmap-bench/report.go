package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
)

// runConfig describes the run and the machine it ran on.
type runConfig struct {
	Quick        bool      `json:"quick"`
	Anonymous    bool      `json:"anonymous"`
	Teams        int       `json:"teams"`
	Respondents  int       `json:"respondents"`
	Connections  int       `json:"connections"`
	DurationS    float64   `json:"duration_s"`
	WarmupS      float64   `json:"warmup_s"`
	Repetitions  int       `json:"repetitions"`
	BigRound     roundInfo `json:"big_round"`
	SmallRound   roundInfo `json:"small_round"`
	Drafts       int       `json:"drafts"`
	ScalingSizes []int     `json:"scaling_answers"`
	SeedS        float64   `json:"seed_s"`
	TotalS       float64   `json:"total_s"`
	Started      string    `json:"started"`
	GoVersion    string    `json:"go_version"`
	OS           string    `json:"os"`
	Arch         string    `json:"arch"`
	CPU          string    `json:"cpu"`
	NumCPU       int       `json:"num_cpu"`
	GOMAXPROCS   int       `json:"gomaxprocs"`
	LoadAvg      []string  `json:"load_average"` // 1-minute load average at the start and the end, where known
	Database     string    `json:"database"`     // "sqlite" or "postgres"
	Instances    int       `json:"instances"`    // gapmap processes serving the load
}

type roundInfo struct {
	Teams     int `json:"teams"`
	Responses int `json:"responses"`
	Answers   int `json:"answers"`
}

// metric is one row of the report: a gapmap measurement against its
// baseline and goal.
type metric struct {
	Name          string  `json:"name"`
	Value         float64 `json:"value"`
	Unit          string  `json:"unit"`
	P50           float64 `json:"p50_ms"`
	P99           float64 `json:"p99_ms"`
	Errors        int64   `json:"errors"`
	Baseline      string  `json:"baseline"`
	BaselineValue float64 `json:"baseline_value"`
	Ratio         float64 `json:"ratio"`
	Goal          string  `json:"goal"`
	Met           bool    `json:"met"`

	ResponseBytes     float64 `json:"response_bytes,omitempty"`
	PeakRSSMB         float64 `json:"peak_rss_mb,omitempty"`
	BaselinePeakRSSMB float64 `json:"baseline_peak_rss_mb,omitempty"`
	Points            []point `json:"points,omitempty"`
	Note              string  `json:"note,omitempty"`
}

// point is one size of the scaling measurement.
type point struct {
	Work      string  `json:"work"`
	Fraction  float64 `json:"fraction"`
	Answers   int     `json:"answers"`
	Seconds   float64 `json:"seconds"`
	MsPer1000 float64 `json:"ms_per_1000_answers"`
	PeakRSSMB float64 `json:"peak_rss_mb,omitempty"` // exports: the child's peak memory
}

// baselineRun is one measurement of a baseline server.
type baselineRun struct {
	Name          string  `json:"name"`
	Value         float64 `json:"value"`
	Unit          string  `json:"unit"`
	P50           float64 `json:"p50_ms"`
	P99           float64 `json:"p99_ms"`
	Errors        int64   `json:"errors"`
	ResponseBytes float64 `json:"response_bytes"`
}

type report struct {
	Config    runConfig     `json:"config"`
	Metrics   []metric      `json:"metrics"`
	Baselines []baselineRun `json:"baselines"`
}

func round3(f float64) float64 {
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	mag := math.Pow(10, 3-math.Ceil(math.Log10(math.Abs(f))))
	if mag < 1 {
		return math.Round(f)
	}
	return math.Round(f*mag) / mag
}

func (r *report) rounded() *report {
	out := *r
	out.Metrics = make([]metric, len(r.Metrics))
	for i, m := range r.Metrics {
		m.Value, m.P50, m.P99 = round3(m.Value), round3(m.P50), round3(m.P99)
		m.BaselineValue, m.Ratio = round3(m.BaselineValue), round3(m.Ratio)
		m.PeakRSSMB, m.BaselinePeakRSSMB = round3(m.PeakRSSMB), round3(m.BaselinePeakRSSMB)
		m.ResponseBytes = math.Round(m.ResponseBytes)
		pts := make([]point, len(m.Points))
		for j, p := range m.Points {
			p.Seconds, p.MsPer1000, p.PeakRSSMB = round3(p.Seconds), round3(p.MsPer1000), round3(p.PeakRSSMB)
			pts[j] = p
		}
		m.Points = pts
		out.Metrics[i] = m
	}
	out.Baselines = make([]baselineRun, len(r.Baselines))
	for i, b := range r.Baselines {
		b.Value, b.P50, b.P99 = round3(b.Value), round3(b.P50), round3(b.P99)
		b.ResponseBytes = math.Round(b.ResponseBytes)
		out.Baselines[i] = b
	}
	return &out
}

func (r *report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.rounded())
}

func num(f float64) string {
	switch {
	case f == 0:
		return "0"
	case math.Abs(f) >= 100:
		return fmt.Sprintf("%.0f", f)
	case math.Abs(f) >= 10:
		return fmt.Sprintf("%.1f", f)
	default:
		return fmt.Sprintf("%.3g", f)
	}
}

func (r *report) writeTable(w io.Writer) {
	c := r.Config
	fmt.Fprintf(w, "gapmap-bench: %d teams × %d respondents (big round: %d answers; 50-team round: %d teams), %d connections, %s runs after %s warm-up\n",
		c.Teams, c.Respondents, c.BigRound.Answers, c.SmallRound.Teams, c.Connections, fmtSeconds(c.DurationS), fmtSeconds(c.WarmupS))
	if c.Anonymous {
		fmt.Fprintf(w, "the big rounds are anonymous (min_group 5): no labels, submission times by day\n")
	}
	fmt.Fprintf(w, "machine: %s, %d CPUs (GOMAXPROCS %d), %s %s/%s, load average %s; seeding %s, total %s\n\n",
		c.CPU, c.NumCPU, c.GOMAXPROCS, c.GoVersion, c.OS, c.Arch, strings.Join(c.LoadAvg, " → "), fmtSeconds(c.SeedS), fmtSeconds(c.TotalS))
	if c.Database == "postgres" {
		fmt.Fprintf(w, "database: PostgreSQL, %d gapmap instance(s) (the insert and pk_read baselines stay on SQLite files)\n\n", c.Instances)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "metric\tgapmap\tp50 ms\tp99 ms\terrors\tbaseline\tbaseline value\tratio\tgoal\tmet\t")
	for _, m := range r.Metrics {
		met := "yes"
		if !m.Met {
			met = "NO"
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t\n", m.Name, num(m.Value), m.Unit, num(m.P50), num(m.P99), m.Errors,
			m.Baseline, num(m.BaselineValue), num(m.Ratio), m.Goal, met)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "baseline\tvalue\tp50 ms\tp99 ms\terrors\tbytes/response\t")
	for _, b := range r.Baselines {
		fmt.Fprintf(tw, "%s\t%s %s\t%s\t%s\t%d\t%.0f\t\n", b.Name, num(b.Value), b.Unit, num(b.P50), num(b.P99), b.Errors, b.ResponseBytes)
	}
	tw.Flush()
	var notes []string
	for _, m := range r.Metrics {
		if m.ResponseBytes > 0 {
			notes = append(notes, fmt.Sprintf("%s: %.0f bytes per response", m.Name, m.ResponseBytes))
		}
		if m.PeakRSSMB > 0 {
			notes = append(notes, fmt.Sprintf("%s: peak RSS %s MB (stream-writer baseline %s MB)", m.Name, num(m.PeakRSSMB), num(m.BaselinePeakRSSMB)))
		}
		for _, p := range m.Points {
			mem := ""
			if p.PeakRSSMB > 0 {
				mem = fmt.Sprintf(", peak RSS %s MB", num(p.PeakRSSMB))
			}
			notes = append(notes, fmt.Sprintf("%s: %s at %.0f%%: %d answers in %ss = %s ms per 1,000 answers%s",
				m.Name, p.Work, p.Fraction*100, p.Answers, num(p.Seconds), num(p.MsPer1000), mem))
		}
		if m.Note != "" {
			notes = append(notes, m.Name+": "+m.Note)
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
}

func fmtSeconds(s float64) string { return num(s) + " s" }
