package web

import (
	"context"

	"gapmap/app/report"
	"gapmap/app/store"
)

// evidenceLine is one piece of evidence as pages show it
// (views/partials/evidence.html).
type evidenceLine struct {
	Team     string
	Question string
	URL      string
	Note     string
}

// roundEvidence lists the evidence of a round's submitted answers for the
// report: one team's (teamID), or every team's in visible (nil: all). An
// anonymous round takes no evidence, so it has none to show.
func (s *Server) roundEvidence(ctx context.Context, a *store.AssessmentInfo, visible []int64, teamID int64) ([]report.Evidence, error) {
	if a.Anonymous() {
		return nil, nil
	}
	rows, err := s.store.EvidenceOf(ctx, a.OrgID, a.ID, visible, teamID)
	if err != nil {
		return nil, err
	}
	out := make([]report.Evidence, len(rows))
	for i, r := range rows {
		out[i] = report.Evidence{Team: r.TeamName, QuestionnaireKey: r.QuestionnaireKey, QuestionKey: r.QuestionKey, URL: r.EvidenceURL, Note: r.EvidenceNote}
	}
	return out, nil
}
