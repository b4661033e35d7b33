package export_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gapmap/app/export"
	"gapmap/questionnaires"
)

// openpyxlScript reads every sheet of the workbook named in argv[1] with
// openpyxl, an independent reader, and prints what it saw as JSON.
const openpyxlScript = `
import json, sys, datetime
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": [], "formulas": [], "strings": [], "dates": {}}
for ws in wb.worksheets:
    cells = 0
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            cells += 1
            if c.data_type == "f":
                out["formulas"].append(ws.title + "!" + c.coordinate)
            elif c.data_type == "s" and isinstance(c.value, str) and c.value[:1] in "=+-@":
                out["strings"].append(c.value)
            if isinstance(c.value, datetime.datetime) and ws.title == "Summary":
                out["dates"][c.coordinate] = c.value.isoformat()
    out["sheets"].append({
        "title": ws.title, "state": ws.sheet_state, "max_row": ws.max_row, "cells": cells,
        "validations": sorted(str(dv.sqref) + " " + (dv.formula1 or "") for dv in ws.data_validations.dataValidation),
        "conditional": sorted(str(r.sqref) for r in ws.conditional_formatting),
        "freeze": ws.freeze_panes,
        "fills": {c.coordinate: c.fill.fgColor.rgb for row in ws.iter_rows(min_row=3, min_col=3) for c in row
                  if isinstance(c.value, (int, float)) and c.fill is not None and c.fill.fill_type == "solid"} if ws.title == "Heatmap" else {},
    })
print(json.dumps(out))
`

type openpyxlSheet struct {
	Title       string            `json:"title"`
	State       string            `json:"state"`
	MaxRow      int               `json:"max_row"`
	Cells       int               `json:"cells"`
	Validations []string          `json:"validations"`
	Conditional []string          `json:"conditional"`
	Freeze      *string           `json:"freeze"`
	Fills       map[string]string `json:"fills"`
}

// levelFills is the web's level palette as RRGGBB.
func levelFills() []string {
	var out []string
	for i := range questionnaires.LevelSteps {
		out = append(out, strings.TrimPrefix(questionnaires.LevelFill(i), "#"))
	}
	return out
}

// findPython returns a Python 3 that can import openpyxl, or skips (fails
// under CI, where Debian's python3-openpyxl must be installed).
func findPython(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import openpyxl").Run() == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no python3 with openpyxl: install Debian's python3-openpyxl (required under CI)")
	}
	t.Skip("no python3 with openpyxl (apt-get install python3-openpyxl)")
	return ""
}

func TestOpenpyxlReadsWorkbook(t *testing.T) {
	py := findPython(t)
	fx := newFixture(t, defaultTeams(), 3)
	path := filepath.Join(t.TempDir(), "export.xlsx")
	if err := os.WriteFile(path, writeBook(t, fx.wb), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", openpyxlScript, path).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("openpyxl could not read the workbook: %v\n%s", err, stderr)
	}
	var got struct {
		Sheets   []openpyxlSheet   `json:"sheets"`
		Formulas []string          `json:"formulas"`
		Strings  []string          `json:"strings"`
		Dates    map[string]string `json:"dates"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	byName := map[string]openpyxlSheet{}
	var names []string
	for _, s := range got.Sheets {
		byName[s.Title] = s
		names = append(names, s.Title)
		if s.Cells == 0 {
			t.Errorf("openpyxl sees no cells in %s", s.Title)
		}
	}
	want := []string{export.SheetSummary, export.SheetHeatmap, export.SheetRoadmap, export.SheetResponses, export.SheetComments, export.SheetQuestionnaire, export.SheetMarker}
	if !slices.Equal(names, want) {
		t.Errorf("openpyxl sheets = %q, want %q", names, want)
	}
	if s := byName[export.SheetMarker].State; s != "veryHidden" {
		t.Errorf("marker sheet state = %q", s)
	}
	if n := byName[export.SheetResponses].MaxRow; n != 1+len(fx.rows) {
		t.Errorf("openpyxl reads %d Responses rows, want %d", n, 1+len(fx.rows))
	}
	if n := byName[export.SheetRoadmap].MaxRow; n != 1+len(fx.wb.Roadmap) {
		t.Errorf("openpyxl reads %d Roadmap rows, want %d", n, 1+len(fx.wb.Roadmap))
	}
	if len(got.Formulas) > 0 {
		t.Errorf("openpyxl reads formulas in %q", got.Formulas)
	}
	for _, e := range []string{evilHyperlink, evilAt, "=Environments+1", "=1+1"} {
		if !slices.Contains(got.Strings, e) {
			t.Errorf("openpyxl does not read %q as a string", e)
		}
	}
	dates := strings.Join(mapValues(got.Dates), " ")
	for _, d := range []string{"2027-01-05T08:00:00", "2027-03-31T00:00:00", "2027-02-10T09:30:00"} {
		if !strings.Contains(dates, d) {
			t.Errorf("openpyxl does not read the date %s in Summary (dates: %s)", d, dates)
		}
	}
	if v := byName[export.SheetRoadmap].Validations; len(v) != 2 {
		t.Errorf("openpyxl reads drop-downs %q, want Quarter and Status", v)
	}
	if c := byName[export.SheetHeatmap].Conditional; len(c) != 0 {
		t.Errorf("openpyxl reads conditional formats %q, want none (cells carry their level's colour)", c)
	}
	if fills := byName[export.SheetHeatmap].Fills; len(fills) == 0 {
		t.Error("openpyxl reads no level colours on the heatmap")
	} else {
		for coord, rgb := range fills {
			if !slices.ContainsFunc(levelFills(), func(f string) bool { return strings.EqualFold(rgb, "FF"+f) }) {
				t.Errorf("heatmap %s filled %s, not a level colour of the web's palette", coord, rgb)
			}
		}
	}
	if f := byName[export.SheetRoadmap].Freeze; f == nil || *f != "A2" {
		t.Errorf("Roadmap frozen at %v, want A2", f)
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
