package web

import (
	"context"
	"time"

	"gapmap/app/dora"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// MeasuredFunc returns a team's measured delivery metrics by metric name
// (questionnaires.MetricDeploymentFrequency …).
type MeasuredFunc func(ctx context.Context, orgID, teamID int64) (map[string]scoring.Measured, error)

// measuredFor returns the measured delivery metrics of the teams in
// teamIDs that have any, by team id and metric name: the DORA metrics of
// the last 90 days (the window of the results API's "dora"), which
// contradiction flags compare answers with. One read of the organization's
// per-day rollups serves every team; a test hook set with SetMeasured
// answers instead, team by team. An organization without delivery events
// costs one indexed EXISTS (deliveryTotals).
func (s *Server) measuredFor(ctx context.Context, orgID int64, teamIDs []int64) (map[int64]map[string]scoring.Measured, error) {
	out := map[int64]map[string]scoring.Measured{}
	if s.measured != nil {
		for _, id := range teamIDs {
			m, err := s.measured(ctx, orgID, id)
			if err != nil {
				return nil, err
			}
			if len(m) > 0 {
				out[id] = m
			}
		}
		return out, nil
	}
	_, by, err := s.deliveryTotals(ctx, orgID, time.Now())
	if err != nil || len(by) == 0 {
		return out, err
	}
	for _, id := range teamIDs {
		if t, ok := by[id]; ok {
			if m := measuredOf(t.Compute()); len(m) > 0 {
				out[id] = m
			}
		}
	}
	return out, nil
}

// measuredOf is the metrics that have a value, by metric name.
func measuredOf(m dora.Metrics) map[string]scoring.Measured {
	out := map[string]scoring.Measured{}
	for _, x := range []struct {
		name, unit string
		m          dora.Metric
	}{
		{questionnaires.MetricDeploymentFrequency, scoring.UnitPerWeek, m.DeploymentFrequency},
		{questionnaires.MetricLeadTime, scoring.UnitHours, m.LeadTime},
		{questionnaires.MetricChangeFailureRate, scoring.UnitPercent, m.ChangeFailureRate},
		{questionnaires.MetricRecoveryTime, scoring.UnitHours, m.RecoveryTime},
	} {
		if x.m.Value != nil && x.m.Band != nil {
			out[x.name] = scoring.Measured{Metric: x.name, Value: x.m.Value, Unit: x.unit, Band: string(*x.m.Band)}
		}
	}
	return out
}

// SetMeasured replaces where measuredFor reads from: a test hook, set
// before the server handles requests.
func (s *Server) SetMeasured(fn MeasuredFunc) { s.measured = fn }
