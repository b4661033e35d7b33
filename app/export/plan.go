package export

import (
	"fmt"
	"strings"
	"time"

	"gapmap/app/recommend"
)

// QuarterCount is the number of quarters offered in the roadmap's Quarter
// drop-down: the quarter of the export date and the five after it.
const QuarterCount = 6

// ParseStatus reads a status as a planner may have typed it: a label or a
// stored value, in any case, with a straight or typographic apostrophe.
// Empty text gives "", true.
func ParseStatus(text string) (string, bool) {
	t := strings.ToLower(strings.Join(strings.Fields(text), " "))
	t = strings.NewReplacer("’", "'", "‘", "'").Replace(t)
	if t == "" {
		return "", true
	}
	for _, s := range recommend.Statuses() {
		if t == strings.ToLower(recommend.StatusLabel(s)) || t == s {
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
