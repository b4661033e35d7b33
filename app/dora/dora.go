// Package dora defines gapmap's delivery metrics — the four DORA metrics
// computed from deployment and incident events — and their bands. It is
// pure: the store keeps per-day rollups in the form Totals takes, and
// FromEvents is the reference computation over raw events that tests hold
// the rollups to.
package dora

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Deployment statuses.
const (
	StatusSuccess = "success"
	StatusFailure = "failure"
)

// Limits on the values an event may carry.
const (
	MaxIDLength   = 200
	MaxCommits    = 1000
	MaxLeadTime   = 10 * 366 * 24 * 3600 // seconds: ten years
	ProductionEnv = "production"
)

// Commit is one change a deployment shipped.
type Commit struct {
	SHA         string
	CommittedAt time.Time
}

// Deployment is a deployment event of one team.
type Deployment struct {
	Team            int64
	ID              string // the sender's id, unique per team
	FinishedAt      time.Time
	Status          string
	Environment     string // "" counts as production
	Commits         []Commit
	LeadTimeSeconds *int64
}

// Incident is an incident event of one team; DeploymentID names the
// team's deployment that caused it, if any.
type Incident struct {
	Team         int64
	ID           string
	StartedAt    time.Time
	ResolvedAt   *time.Time
	DeploymentID string
}

// Production reports whether a deployment to env counts: production, in
// any letter case, or no environment at all.
func Production(env string) bool {
	return env == "" || strings.EqualFold(strings.TrimSpace(env), ProductionEnv)
}

// LeadTime is a deployment's lead time in whole seconds: lead_time_seconds
// when given, else the median over its commits of finished_at −
// committed_at (an even number of commits gives the mean of the middle two,
// rounded down). ok is false for a deployment without either.
func LeadTime(d Deployment) (seconds int64, ok bool) {
	if d.LeadTimeSeconds != nil {
		return *d.LeadTimeSeconds, true
	}
	if len(d.Commits) == 0 {
		return 0, false
	}
	vs := make([]int64, len(d.Commits))
	for i, c := range d.Commits {
		vs[i] = Seconds(d.FinishedAt.Sub(c.CommittedAt))
	}
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2], true
	}
	return (vs[n/2-1] + vs[n/2]) / 2, true
}

// Seconds truncates a duration to whole seconds.
func Seconds(d time.Duration) int64 { return int64(d / time.Second) }

// CheckDeployment returns the field at fault and why, or "" when d is valid.
// Times are compared as instants, whatever their offsets.
func CheckDeployment(d Deployment) (field, problem string) {
	switch {
	case strings.TrimSpace(d.ID) == "":
		return "id", "is required"
	case len(d.ID) > MaxIDLength:
		return "id", fmt.Sprintf("is longer than %d characters", MaxIDLength)
	case d.FinishedAt.IsZero():
		return "finished_at", "is required (RFC 3339)"
	case d.Status != StatusSuccess && d.Status != StatusFailure:
		return "status", `must be "success" or "failure"`
	case len(d.Environment) > MaxIDLength:
		return "environment", fmt.Sprintf("is longer than %d characters", MaxIDLength)
	case len(d.Commits) > MaxCommits:
		return "commits", fmt.Sprintf("has more than %d commits", MaxCommits)
	case d.LeadTimeSeconds != nil && (*d.LeadTimeSeconds < 0 || *d.LeadTimeSeconds > MaxLeadTime):
		return "lead_time_seconds", fmt.Sprintf("must be from 0 to %d", MaxLeadTime)
	}
	for i, c := range d.Commits {
		switch {
		case strings.TrimSpace(c.SHA) == "" || len(c.SHA) > MaxIDLength:
			return fmt.Sprintf("commits[%d].sha", i), fmt.Sprintf("is required, at most %d characters", MaxIDLength)
		case c.CommittedAt.IsZero():
			return fmt.Sprintf("commits[%d].committed_at", i), "is required (RFC 3339)"
		case c.CommittedAt.After(d.FinishedAt):
			return fmt.Sprintf("commits[%d].committed_at", i), "is after finished_at"
		case Seconds(d.FinishedAt.Sub(c.CommittedAt)) > MaxLeadTime:
			return fmt.Sprintf("commits[%d].committed_at", i), "is more than ten years before finished_at"
		}
	}
	return "", ""
}

// CheckIncident returns the field at fault and why, or "" when in is valid.
func CheckIncident(in Incident) (field, problem string) {
	switch {
	case strings.TrimSpace(in.ID) == "":
		return "id", "is required"
	case len(in.ID) > MaxIDLength:
		return "id", fmt.Sprintf("is longer than %d characters", MaxIDLength)
	case in.StartedAt.IsZero():
		return "started_at", "is required (RFC 3339)"
	case in.ResolvedAt != nil && in.ResolvedAt.Before(in.StartedAt):
		return "resolved_at", "is before started_at"
	case in.ResolvedAt != nil && Seconds(in.ResolvedAt.Sub(in.StartedAt)) > MaxLeadTime:
		return "resolved_at", "is more than ten years after started_at"
	case len(in.DeploymentID) > MaxIDLength:
		return "deployment_id", fmt.Sprintf("is longer than %d characters", MaxIDLength)
	}
	return "", ""
}

// Day is a UTC calendar day as a count of days since 1970-01-01: the key of
// the store's rollups.
func Day(t time.Time) int64 {
	u := t.UTC().Unix()
	if u < 0 {
		return (u+1)/86400 - 1
	}
	return u / 86400
}

// Window is a range of whole UTC days, both ends included.
type Window struct {
	From, To int64 // Day values
}

// NewWindow returns the window from the UTC day of from to that of to.
func NewWindow(from, to time.Time) Window { return Window{From: Day(from), To: Day(to)} }

// Days is the window's length in days.
func (w Window) Days() int64 { return w.To - w.From + 1 }

// Has reports whether t falls in the window.
func (w Window) Has(t time.Time) bool { d := Day(t); return d >= w.From && d <= w.To }

// Start and End are the window's first and last days as dates.
func (w Window) Start() time.Time { return time.Unix(w.From*86400, 0).UTC() }

// End is the window's last day.
func (w Window) End() time.Time { return time.Unix(w.To*86400, 0).UTC() }

// Totals are what the metrics of a window are computed from: the store
// sums them from its per-day rollups, FromEvents from raw events.
type Totals struct {
	Days        int64  // the window's length
	Deployments int64  // production deployments finished in the window
	Failed      int64  // of which failed: status failure, or named by an incident
	LeadTimes   Sample // seconds, one per such deployment that has a lead time
	Incidents   int64  // incidents started in the window
	Recoveries  Sample // seconds, one per incident resolved in the window
}

// FromEvents computes the totals of a window from raw events, the
// reference for the store's rollups. The first event with a given (team,
// id) counts; later ones are duplicates and change nothing. Incidents name
// deployments of their own team.
func FromEvents(deps []Deployment, incs []Incident, w Window) Totals {
	t := Totals{Days: w.Days()}
	var leads, recoveries []int64
	type key struct {
		team int64
		id   string
	}
	named := map[key]bool{}
	seenInc := map[key]bool{}
	for _, in := range incs {
		k := key{in.Team, in.ID}
		if seenInc[k] {
			continue
		}
		seenInc[k] = true
		if in.DeploymentID != "" {
			named[key{in.Team, in.DeploymentID}] = true
		}
		if w.Has(in.StartedAt) {
			t.Incidents++
		}
		if in.ResolvedAt != nil && w.Has(*in.ResolvedAt) {
			recoveries = append(recoveries, Seconds(in.ResolvedAt.Sub(in.StartedAt)))
		}
	}
	seenDep := map[key]bool{}
	for _, d := range deps {
		k := key{d.Team, d.ID}
		if seenDep[k] {
			continue
		}
		seenDep[k] = true
		if !Production(d.Environment) || !w.Has(d.FinishedAt) {
			continue
		}
		t.Deployments++
		if d.Status == StatusFailure || named[k] {
			t.Failed++
		}
		if lt, ok := LeadTime(d); ok {
			leads = append(leads, lt)
		}
	}
	t.LeadTimes, t.Recoveries = NewSample(leads), NewSample(recoveries)
	return t
}

// Metric is one metric's value and band; both nil without data.
type Metric struct {
	Value *float64
	Band  *Band
}

// Metrics are the four delivery metrics of a window.
type Metrics struct {
	DeploymentFrequency Metric // deployments per week
	LeadTime            Metric // median, hours
	ChangeFailureRate   Metric // percent
	RecoveryTime        Metric // median, hours
	Deployments         int64
	Incidents           int64
}

// Compute turns totals into the metrics and their bands. A window without
// production deployments has no deployment frequency, lead time or change
// failure rate; one without resolved incidents has no recovery time.
func (t Totals) Compute() Metrics {
	m := Metrics{Deployments: t.Deployments, Incidents: t.Incidents}
	if t.Deployments > 0 && t.Days > 0 {
		m.DeploymentFrequency = metric(float64(t.Deployments)*7/float64(t.Days), FrequencyBand)
		m.ChangeFailureRate = metric(float64(t.Failed)*100/float64(t.Deployments), FailureRateBand)
	}
	if med, ok := t.LeadTimes.Median(); ok {
		m.LeadTime = metric(med/3600, LeadTimeBand)
	}
	if med, ok := t.Recoveries.Median(); ok {
		m.RecoveryTime = metric(med/3600, RecoveryBand)
	}
	return m
}

func metric(v float64, band func(float64) Band) Metric {
	b := band(v)
	return Metric{Value: &v, Band: &b}
}
