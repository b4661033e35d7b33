package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/dora"
)

// deliveryMemoKey keys a request's deliveryMemo in its context.
type deliveryMemoKey struct{}

// deliveryMemo keeps, for one request, what deliveryTotals read, so that
// the contradiction flags, the results' "dora" field and the dashboard's
// check read the rollups once between them.
type deliveryMemo struct {
	read  bool
	orgID int64
	w     dora.Window
	by    map[int64]dora.Totals
}

// withDeliveryMemo gives the request a deliveryMemo (routes of rounds).
func withDeliveryMemo(c *fiber.Ctx) error {
	c.SetUserContext(context.WithValue(c.UserContext(), deliveryMemoKey{}, &deliveryMemo{}))
	return c.Next()
}

// deliveryWindow is the window of the results' delivery metrics and of the
// contradiction flags: the last 90 days up to now.
func deliveryWindow(now time.Time) dora.Window {
	w := dora.Window{To: dora.Day(now)}
	w.From = w.To - defaultWindowDays + 1
	return w
}

// deliveryTotals returns the organization's delivery rollups of the last
// 90 days by team (teams without events absent; nil when no team has
// any). An organization without delivery events in the window costs one
// indexed EXISTS; one with some, that and one read of the rollups, once
// per request when the request carries a deliveryMemo.
func (s *Server) deliveryTotals(ctx context.Context, orgID int64, now time.Time) (dora.Window, map[int64]dora.Totals, error) {
	w := deliveryWindow(now)
	m, _ := ctx.Value(deliveryMemoKey{}).(*deliveryMemo)
	if m != nil && m.read && m.orgID == orgID && m.w == w {
		return w, m.by, nil
	}
	has, err := s.store.HasDeliveryDays(ctx, orgID, w)
	if err != nil {
		return w, nil, err
	}
	var by map[int64]dora.Totals
	if has {
		if by, err = s.store.DoraTotalsByTeam(ctx, orgID, w); err != nil {
			return w, nil, err
		}
	}
	if m != nil {
		*m = deliveryMemo{read: true, orgID: orgID, w: w, by: by}
	}
	return w, by, nil
}
