package web

import (
	"math"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/dora"
)

// Metrics windows: the default length, and the longest one allowed.
const (
	defaultWindowDays = 90
	maxWindowDays     = 3660
)

// doraWindow reads ?from=&to= (dates, or RFC 3339 times taken as their UTC
// day; both ends included). Without them the window is the last 90 days up
// to today.
func doraWindow(c *fiber.Ctx, now time.Time) (dora.Window, error) {
	parse := func(name string) (*time.Time, error) {
		v := c.Query(name)
		if v == "" {
			return nil, nil
		}
		if t, err := time.Parse(time.DateOnly, v); err == nil {
			return &t, nil
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return &t, nil
		}
		return nil, apperr.Field(name, "%s must be a date such as 2026-03-31 (or an RFC 3339 time).", name)
	}
	from, err := parse("from")
	if err != nil {
		return dora.Window{}, err
	}
	to, err := parse("to")
	if err != nil {
		return dora.Window{}, err
	}
	w := dora.Window{To: dora.Day(now)}
	if to != nil {
		w.To = dora.Day(*to)
	}
	w.From = w.To - defaultWindowDays + 1
	if from != nil {
		w.From = dora.Day(*from)
	}
	switch {
	case w.From > w.To:
		return w, apperr.Field("from", "from must not be after to.")
	case w.Days() > maxWindowDays:
		return w, apperr.Field("from", "The window is longer than %d days.", maxWindowDays)
	}
	return w, nil
}

// doraJSON is the answer of the metrics endpoints.
type doraJSON struct {
	DeploymentFrequency struct {
		PerWeek *float64   `json:"per_week"`
		Band    *dora.Band `json:"band"`
	} `json:"deployment_frequency"`
	LeadTime struct {
		MedianHours *float64   `json:"median_hours"`
		Band        *dora.Band `json:"band"`
	} `json:"lead_time"`
	ChangeFailureRate struct {
		Percent *float64   `json:"percent"`
		Band    *dora.Band `json:"band"`
	} `json:"change_failure_rate"`
	RecoveryTime struct {
		MedianHours *float64   `json:"median_hours"`
		Band        *dora.Band `json:"band"`
	} `json:"recovery_time"`
	Deployments int64 `json:"deployments"`
	Incidents   int64 `json:"incidents"`
}

// toDoraJSON renders metrics with values rounded to two decimals (bands are
// taken from the exact values).
func toDoraJSON(m dora.Metrics) doraJSON {
	var out doraJSON
	out.DeploymentFrequency.PerWeek, out.DeploymentFrequency.Band = round2(m.DeploymentFrequency.Value), m.DeploymentFrequency.Band
	out.LeadTime.MedianHours, out.LeadTime.Band = round2(m.LeadTime.Value), m.LeadTime.Band
	out.ChangeFailureRate.Percent, out.ChangeFailureRate.Band = round2(m.ChangeFailureRate.Value), m.ChangeFailureRate.Band
	out.RecoveryTime.MedianHours, out.RecoveryTime.Band = round2(m.RecoveryTime.Value), m.RecoveryTime.Band
	out.Deployments, out.Incidents = m.Deployments, m.Incidents
	return out
}

func round2(v *float64) *float64 {
	if v == nil {
		return nil
	}
	r := math.Round(*v*100) / 100
	return &r
}

func (s *Server) apiTeamDora(c *fiber.Ctx) error {
	teamID, err := s.eventTeam(c, false)
	if err != nil {
		return err
	}
	return s.sendDora(c, teamID)
}

func (s *Server) apiOrgDora(c *fiber.Ctx) error { return s.sendDora(c, 0) }

func (s *Server) sendDora(c *fiber.Ctx, teamID int64) error {
	w, err := doraWindow(c, time.Now())
	if err != nil {
		return err
	}
	t, err := s.store.DoraTotals(c.UserContext(), principalOf(c).OrgID, teamID, w)
	if err != nil {
		return err
	}
	return c.JSON(toDoraJSON(t.Compute()))
}
