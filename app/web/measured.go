package web

import (
	"context"

	"gapmap/app/scoring"
)

// MeasuredFunc returns a team's measured delivery metrics by metric name
// (questionnaires.MetricDeploymentFrequency …).
type MeasuredFunc func(ctx context.Context, orgID, teamID int64) (map[string]scoring.Measured, error)

// measuredFor returns a team's measured delivery metrics, by metric name,
// that contradiction flags compare answers with. Delivery events are not
// ingested yet, so it has nothing to return: the map is empty (no flags)
// unless a test set SetMeasured. This is the one place to read the
// team's DORA metrics from once they exist.
func (s *Server) measuredFor(ctx context.Context, orgID, teamID int64) (map[string]scoring.Measured, error) {
	if s.measured != nil {
		return s.measured(ctx, orgID, teamID)
	}
	return map[string]scoring.Measured{}, nil
}

// SetMeasured replaces where measuredFor reads from: a test hook, set
// before the server handles requests.
func (s *Server) SetMeasured(fn MeasuredFunc) { s.measured = fn }
