package charts_test

import (
	"strings"
	"testing"

	"gapmap/app/charts"
	"gapmap/questionnaires"
)

// TestChartsFitNarrowContainers checks the means by which the charts fit a
// phone: ECharts media rules on the container's width, legends that wrap
// instead of paging, and radar names broken onto lines.
func TestChartsFitNarrowContainers(t *testing.T) {
	q := questionnaire(questionnaires.ScaleLevel, "a:Platform as a product:1", "b:Developer experience and onboarding:1", "c:Gamma:1")
	r := levelResult(q)
	d := charts.NewDashboard("q0", q, r, []charts.RoundResult{{Name: "Q1", Result: r}, {Name: "Q2", Result: r}})
	byID := map[string]charts.Chart{}
	for _, c := range d.Charts {
		byID[c.ID] = c
	}
	narrow := func(t *testing.T, c charts.Chart) map[string]any {
		t.Helper()
		o := decode(t, c)
		rules, _ := o["media"].([]any)
		for i := len(rules) - 1; i >= 0; i-- { // the last rule wins
			if at(t, rules[i], "query", "maxWidth") == float64(charts.Narrow) {
				return at(t, rules[i], "option").(map[string]any)
			}
		}
		t.Fatalf("%s: no media rule for containers up to %d px: %v", c.ID, charts.Narrow, o["media"])
		return nil
	}
	tests := []struct {
		id    string
		check func(t *testing.T, c charts.Chart)
	}{
		{"q0_heatmap", func(t *testing.T, c charts.Chart) {
			n := narrow(t, c)
			if at(t, n, "visualMap", 0, "orient") != "vertical" {
				t.Errorf("the colour legend is not a column on a phone: %v", n["visualMap"])
			}
			if at(t, n, "xAxis", 0, "axisLabel", "rotate") != float64(45) {
				t.Errorf("dimension names are not slanted on a phone: %v", n["xAxis"])
			}
			if at(t, decode(t, c), "grid", 0, "containLabel") != true {
				t.Error("the grid does not contain its labels")
			}
		}},
		{"q0_radar", func(t *testing.T, c charts.Chart) {
			if at(t, narrow(t, c), "radar", "radius") == nil {
				t.Error("the radar keeps its size on a phone")
			}
			names := at(t, decode(t, c), "radar", "indicator").([]any)
			for _, ind := range names {
				for _, line := range strings.Split(ind.(map[string]any)["name"].(string), "\n") {
					if len([]rune(line)) > 14 && strings.Contains(line, " ") {
						t.Errorf("radar name line %q is longer than 14 characters", line)
					}
				}
			}
		}},
		{"q0_trend", func(t *testing.T, c charts.Chart) {
			o := decode(t, c)
			if at(t, o, "legend", "type") != "plain" {
				t.Errorf("the trend legend pages its names: %v", o["legend"])
			}
			wide := at(t, o, "grid", 0, "bottom").(string)
			phone := at(t, narrow(t, c), "grid", "bottom").(float64)
			if w := len(wide); w == 0 || phone <= 0 {
				t.Fatalf("grid bottom %q, on a phone %v", wide, phone)
			}
			if !(phone > float64(atoi(t, wide))) {
				t.Errorf("a phone leaves the wrapped legend %v px, no more than a wide card's %s", phone, wide)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			c, ok := byID[tc.id]
			if !ok {
				t.Fatalf("no chart %s among %v", tc.id, byID)
			}
			tc.check(t, c)
		})
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("%q is not a number of pixels", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}
