package web

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"time"

	"gapmap/app/dora"
)

// The fast path of the event endpoints: a JSON body decoded in one pass
// into typed items. Anything it does not accept as it is — an unknown
// field, a wrong type, a missing or bad value, too many items — falls back
// to the field-by-field path (eventItems, toDeployment, toIncident), which
// finds and names the problem; so both paths accept exactly the same
// bodies, and the fast one only saves time on good ones.

type commitWire struct {
	SHA         *string `json:"sha"`
	CommittedAt *string `json:"committed_at"`
}

type deploymentWire struct {
	ID              *string       `json:"id"`
	FinishedAt      *string       `json:"finished_at"`
	Status          *string       `json:"status"`
	Environment     *string       `json:"environment"`
	Commits         *[]commitWire `json:"commits"`
	LeadTimeSeconds *float64      `json:"lead_time_seconds"`
}

type incidentWire struct {
	ID           *string `json:"id"`
	StartedAt    *string `json:"started_at"`
	ResolvedAt   *string `json:"resolved_at"`
	DeploymentID *string `json:"deployment_id"`
}

// wireList is the {"deployments": [...]} or {"incidents": [...]} list:
// set when the key is present, null when its value is.
type wireList[T any] struct {
	set, null bool
	items     []T
}

func (l *wireList[T]) UnmarshalJSON(b []byte) error {
	l.set = true
	if string(b) == "null" {
		l.null = true
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(&l.items)
}

// decodeFast decodes body strictly into v.
func decodeFast(body []byte, v any) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return false
	}
	_, err := dec.Token()
	return err != nil // io.EOF: nothing after the value
}

func fastDeployments(body []byte) ([]dora.Deployment, bool) {
	var w struct {
		Deployments wireList[deploymentWire] `json:"deployments"`
		deploymentWire
	}
	if !decodeFast(body, &w) || w.Deployments.null {
		return nil, false
	}
	items := []deploymentWire{w.deploymentWire}
	if w.Deployments.set {
		if w.deploymentWire != (deploymentWire{}) {
			return nil, false
		}
		items = w.Deployments.items
	}
	if len(items) > maxEvents {
		return nil, false
	}
	out := make([]dora.Deployment, len(items))
	for i, it := range items {
		d, ok := it.deployment()
		if !ok {
			return nil, false
		}
		out[i] = d
	}
	return out, true
}

func (w deploymentWire) deployment() (dora.Deployment, bool) {
	var d dora.Deployment
	fin, ok := fastTime(w.FinishedAt)
	if !ok || !fastRequired(w.ID) || !fastRequired(w.Status) {
		return d, false
	}
	d.ID, d.FinishedAt, d.Status = *w.ID, fin, *w.Status
	if w.Environment != nil {
		d.Environment = *w.Environment
	}
	if v := w.LeadTimeSeconds; v != nil {
		if *v != math.Trunc(*v) || math.Abs(*v) > dora.MaxLeadTime*2 {
			return d, false
		}
		n := int64(*v)
		d.LeadTimeSeconds = &n
	}
	if w.Commits != nil {
		d.Commits = make([]dora.Commit, len(*w.Commits))
		for i, c := range *w.Commits {
			at, ok := fastTime(c.CommittedAt)
			if !ok || !fastRequired(c.SHA) {
				return d, false
			}
			d.Commits[i] = dora.Commit{SHA: *c.SHA, CommittedAt: at}
		}
	}
	if field, _ := dora.CheckDeployment(d); field != "" {
		return d, false
	}
	return d, true
}

func fastIncidents(body []byte) ([]dora.Incident, bool) {
	var w struct {
		Incidents wireList[incidentWire] `json:"incidents"`
		incidentWire
	}
	if !decodeFast(body, &w) || w.Incidents.null {
		return nil, false
	}
	items := []incidentWire{w.incidentWire}
	if w.Incidents.set {
		if w.incidentWire != (incidentWire{}) {
			return nil, false
		}
		items = w.Incidents.items
	}
	if len(items) > maxEvents {
		return nil, false
	}
	out := make([]dora.Incident, len(items))
	for i, it := range items {
		start, ok := fastTime(it.StartedAt)
		if !ok || !fastRequired(it.ID) {
			return nil, false
		}
		in := dora.Incident{ID: *it.ID, StartedAt: start}
		if it.ResolvedAt != nil && *it.ResolvedAt != "" {
			r, ok := fastTime(it.ResolvedAt)
			if !ok {
				return nil, false
			}
			in.ResolvedAt = &r
		}
		if it.DeploymentID != nil {
			in.DeploymentID = *it.DeploymentID
		}
		if field, _ := dora.CheckIncident(in); field != "" {
			return nil, false
		}
		out[i] = in
	}
	return out, true
}

func fastRequired(s *string) bool { return s != nil && strings.TrimSpace(*s) != "" }

func fastTime(s *string) (time.Time, bool) {
	if !fastRequired(s) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(*s))
	return t, err == nil
}
