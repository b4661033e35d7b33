package export

import (
	"fmt"
	"strings"
	"time"

	"gapmap/app/recommend"
)

// Plan statuses as stored. An empty status reads as not started.
const (
	StatusNotStarted = "not_started"
	StatusInProgress = "in_progress"
	StatusDone       = "done"
	StatusWontDo     = "wont_do"
)

// QuarterCount is the number of quarters offered in the roadmap's Quarter
// drop-down: the quarter of the export date and the five after it.
const QuarterCount = 6

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

// ParseStatus reads a status as a planner may have typed it: a label or a
// stored value, in any case, with a straight or typographic apostrophe.
// Empty text gives "", true.
func ParseStatus(text string) (string, bool) {
	t := strings.ToLower(strings.Join(strings.Fields(text), " "))
	t = strings.NewReplacer("’", "'", "‘", "'").Replace(t)
	if t == "" {
		return "", true
	}
	for _, s := range Statuses() {
		if t == strings.ToLower(StatusLabel(s)) || t == s {
			return s, true
		}
	}
	return "", false
}

// Quarter returns the calendar quarter of t (in UTC) as "2027-Q1".
func Quarter(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
}

// Quarters returns the quarter of from and the n-1 quarters after it.
func Quarters(from time.Time, n int) []string {
	from = from.UTC()
	first := time.Date(from.Year(), ((from.Month()-1)/3)*3+1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, Quarter(first.AddDate(0, 3*i, 0)))
	}
	return out
}

// normalizeQuarter accepts "2027-q1" and surrounding spaces as "2027-Q1".
func normalizeQuarter(text string) string {
	return strings.ToUpper(strings.Join(strings.Fields(text), ""))
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
func Progress(items []recommend.Item, plan map[PlanKey]Plan) []PhaseProgress {
	out := []PhaseProgress{{Phase: recommend.PhaseNow}, {Phase: recommend.PhaseNext}, {Phase: recommend.PhaseLater}}
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
		switch plan[PlanKey{it.Questionnaire, it.Key}].Status {
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
