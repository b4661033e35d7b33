package recommend

// The plan: how the people of a round track the recommendations of its
// roadmap (owner, quarter, status, notes). The store keeps it; the workbook
// and the report show it.

// Plan statuses as stored. An empty status reads as not started.
const (
	StatusNotStarted = "not_started"
	StatusInProgress = "in_progress"
	StatusDone       = "done"
	StatusWontDo     = "wont_do"
)

// PlanKey names one recommendation of a round: recommendation keys are
// unique within a questionnaire only.
type PlanKey struct {
	Questionnaire  string
	Recommendation string
}

// Plan is the planning state of one recommendation. Status is one of the
// Status constants or empty.
type Plan struct {
	Owner   string
	Quarter string
	Status  string
	Notes   string
}

// IsZero reports whether nothing is planned.
func (p Plan) IsZero() bool { return p == Plan{} }

// Statuses lists the stored status values in workflow order.
func Statuses() []string {
	return []string{StatusNotStarted, StatusInProgress, StatusDone, StatusWontDo}
}

// StatusLabel returns the label a status has in the workbook and on pages;
// "" for an empty or unknown status.
func StatusLabel(status string) string {
	switch status {
	case StatusNotStarted:
		return "Not started"
	case StatusInProgress:
		return "In progress"
	case StatusDone:
		return "Done"
	case StatusWontDo:
		return "Won't do"
	}
	return ""
}

// PhaseProgress is how far the plan has come in one phase of the roadmap.
// Recommendations without a status count as not started.
type PhaseProgress struct {
	Phase      string `json:"phase"`
	Total      int    `json:"total"`
	NotStarted int    `json:"not_started"`
	InProgress int    `json:"in_progress"`
	Done       int    `json:"done"`
	WontDo     int    `json:"wont_do"`
}

// Progress counts the statuses of the roadmap's items phase by phase (now,
// next, later; always three entries). Plans of recommendations that are no
// longer in the roadmap are not counted.
func Progress(items []Item, plan map[PlanKey]Plan) []PhaseProgress {
	out := []PhaseProgress{{Phase: PhaseNow}, {Phase: PhaseNext}, {Phase: PhaseLater}}
	for _, it := range items {
		var p *PhaseProgress
		for i := range out {
			if out[i].Phase == it.Phase {
				p = &out[i]
			}
		}
		if p == nil {
			continue
		}
		p.Total++
		switch plan[PlanKey{Questionnaire: it.Questionnaire, Recommendation: it.Key}].Status {
		case StatusInProgress:
			p.InProgress++
		case StatusDone:
			p.Done++
		case StatusWontDo:
			p.WontDo++
		default:
			p.NotStarted++
		}
	}
	return out
}
