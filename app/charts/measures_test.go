package charts_test

import (
	"encoding/json"
	"strings"
	"testing"

	"gapmap/app/charts"
	"gapmap/app/measures"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// measuredResult is a likert result of two teams with one nps and one
// number question; the second team has no answers.
func measuredResult(q *questionnaires.Questionnaire, evil string) *scoring.Result {
	r := likertResult(q)
	lo, hi := 0.0, 40.0
	qs := []measures.Question{
		{Key: "recommend", Dimension: "a", Type: questionnaires.TypeNPS, Text: "Recommend " + evil + "?"},
		{Key: "hours", Dimension: "a", Type: questionnaires.TypeNumber, Text: "Hours lost?", Unit: "hours", Min: &lo, Max: &hi},
	}
	s := measures.NewSamples(&questionnaires.Questionnaire{Dimensions: []questionnaires.Dimension{{Key: "a", Questions: []questionnaires.Question{
		{Key: "recommend", Type: questionnaires.TypeNPS}, {Key: "hours", Type: questionnaires.TypeNumber, Unit: "hours", Min: &lo, Max: &hi},
	}}}})
	first := r.Teams[0].ID
	for _, v := range []float64{10, 9, 3} {
		s.Add(first, "recommend", v)
	}
	for _, v := range []float64{2, 4, 8} {
		s.Add(first, "hours", v)
	}
	r.Measures = &measures.Summary{Questions: qs, Organization: s.Organization(nil)}
	for i := range r.Teams {
		r.Teams[i].Measures = s.Team(r.Teams[i].ID)
	}
	return r
}

func TestMeasureCharts(t *testing.T) {
	const evil = `</script><img src=x>`
	q := questionnaire(questionnaires.ScaleLikert, "a:Alpha:1", "b:Beta:1")
	r := measuredResult(q, evil)
	r.Teams[0].Name = evil
	d := charts.NewDashboard("q0", q, r, nil)
	var nps, box *charts.Chart
	for i := range d.Charts {
		switch d.Charts[i].ID {
		case "q0_m0":
			nps = &d.Charts[i]
		case "q0_m1":
			box = &d.Charts[i]
		}
	}
	if nps == nil || box == nil {
		t.Fatalf("dashboard charts lack the measures: %d charts", len(d.Charts))
	}
	// NPS: a bar per team and one for the organization; 2 promoters and 1 detractor of 3 give 33.3.
	o := decode(t, *nps)
	series := o["series"].([]any)[0].(map[string]any)
	if series["type"] != "bar" {
		t.Errorf("nps series type = %v, want bar", series["type"])
	}
	data := series["data"].([]any)
	if len(data) != len(r.Teams)+1 || data[0].(map[string]any)["value"] != 33.3 || data[1].(map[string]any)["value"] != "-" {
		t.Errorf("nps bars = %v, want 33.3 for the first team, none for the second, then the organization", data)
	}
	if got := nps.Table.Rows[0].Cells[0].Text; got != "+33.3" {
		t.Errorf("nps table = %q, want +33.3", got)
	}
	// Box plot: min, p25, median, p75, max of 2 4 8 = 2 3 4 6 8.
	o = decode(t, *box)
	series = o["series"].([]any)[0].(map[string]any)
	if series["type"] != "boxplot" {
		t.Errorf("number series type = %v, want boxplot", series["type"])
	}
	first, _ := json.Marshal(series["data"].([]any)[0].(map[string]any)["value"])
	if string(first) != "[2,3,4,6,8]" {
		t.Errorf("first box = %s, want [2,3,4,6,8]", first)
	}
	if box.Table.Rows[len(box.Table.Rows)-1].Header != "Organization" {
		t.Errorf("the last box is %q, want the organization", box.Table.Rows[len(box.Table.Rows)-1].Header)
	}
	for _, c := range []*charts.Chart{nps, box} {
		js, _ := json.Marshal(c.Option)
		if strings.ContainsAny(string(js), "<>") {
			t.Errorf("%s: option JSON holds raw angle brackets", c.ID)
		}
	}
	// Without measures, the dashboard keeps its five charts.
	r.Measures = nil
	if n := len(charts.NewDashboard("q0", q, r, nil).Charts); n != 5 {
		t.Errorf("a result without measures has %d charts, want 5", n)
	}
}
