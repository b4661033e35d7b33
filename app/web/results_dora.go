package web

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/dora"
	"gapmap/app/export"
)

// teamDoraJSON is one team's delivery metrics in the results API.
type teamDoraJSON struct {
	TeamID int64 `json:"team_id"`
	doraJSON
}

// roundDora is the "dora" field of the results API: the delivery metrics of
// the last 90 days of each team in teamIDs, in their order. It is nil when
// none of them has delivery events in that window, so that the results of
// organizations that send none stay as they were.
func (s *Server) roundDora(ctx context.Context, orgID int64, teamIDs []int64, now time.Time) (json.RawMessage, error) {
	w, by, err := s.deliveryTotals(ctx, orgID, now)
	if err != nil || len(by) == 0 {
		return nil, err
	}
	var out []teamDoraJSON
	seen := false
	for _, id := range teamIDs {
		t, ok := by[id]
		if !ok {
			t = dora.Totals{Days: w.Days()}
		}
		seen = seen || ok
		out = append(out, teamDoraJSON{TeamID: id, doraJSON: toDoraJSON(t.Compute())})
	}
	if !seen {
		return nil, nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encode delivery metrics: %w", err)
	}
	return b, nil
}

// workbookDelivery is the Delivery sheet of a round's workbook: the last 90
// days of the teams of scope (one team, or every visible team of the
// round); nil when none of them has delivery events then.
func (s *Server) workbookDelivery(c *fiber.Ctx, sc *roundScope, now time.Time) (*export.Delivery, error) {
	acc, err := s.accessOf(c)
	if err != nil {
		return nil, err
	}
	w, by, err := s.deliveryTotals(c.UserContext(), principalOf(c).OrgID, now)
	if err != nil || len(by) == 0 {
		return nil, err
	}
	d := &export.Delivery{From: w.Start(), To: w.End()}
	seen := false
	for _, t := range sc.a.Teams {
		if !acc.CanSee(t.ID) || (sc.teamID != 0 && sc.teamID != t.ID) {
			continue
		}
		tot, ok := by[t.ID]
		if !ok {
			tot = dora.Totals{Days: w.Days()}
		}
		seen = seen || ok
		d.Teams = append(d.Teams, export.DeliveryTeam{Name: t.Name, Metrics: tot.Compute()})
	}
	if !seen {
		return nil, nil
	}
	return d, nil
}
