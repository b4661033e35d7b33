package export

import (
	"time"

	"github.com/xuri/excelize/v2"

	"gapmap/app/dora"
)

// SheetDelivery is the sheet of the teams' DORA delivery metrics, written
// when Workbook.Delivery is set.
const SheetDelivery = "Delivery"

// Delivery is the teams' delivery metrics over a window of whole days.
type Delivery struct {
	From, To time.Time // the window's first and last days
	Teams    []DeliveryTeam
}

// DeliveryTeam is one team's metrics.
type DeliveryTeam struct {
	Name    string
	Metrics dora.Metrics
}

// writeDelivery writes the Delivery sheet: a title naming the window, then
// one row per team with each metric's value and band (empty without data).
func writeDelivery(f *excelize.File, st *styles, wb *Workbook) error {
	d := wb.Delivery
	if d == nil {
		return nil
	}
	s := st.sheet(f, SheetDelivery)
	s.str(1, 1, "Delivery (DORA metrics)", st.title)
	s.str(1, 2, "Production deployments and incidents from "+d.From.Format(time.DateOnly)+" to "+d.To.Format(time.DateOnly)+
		" (UTC days). Bands: 2024 Accelerate State of DevOps report.", st.text)
	s.header(4, st.header, 1, "Team", "Deployments", "Deployments per week", "Band", "Lead time (median hours)", "Band",
		"Change failure rate (%)", "Band", "Recovery time (median hours)", "Band", "Incidents")
	for i, t := range d.Teams {
		row := 5 + i
		m := t.Metrics
		s.str(1, row, t.Name, st.text)
		s.int(2, row, int(m.Deployments), st.integer)
		for j, mt := range []dora.Metric{m.DeploymentFrequency, m.LeadTime, m.ChangeFailureRate, m.RecoveryTime} {
			s.floatp(3+2*j, row, mt.Value, st.decimal)
			if mt.Band != nil {
				s.str(4+2*j, row, string(*mt.Band), st.text)
			}
		}
		s.int(11, row, int(m.Incidents), st.integer)
	}
	return s.err
}
