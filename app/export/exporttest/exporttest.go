// Package exporttest helps tests change an exported workbook the way a
// planner would before importing it back.
package exporttest

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"gapmap/app/export"
)

// Edit opens the workbook data, applies fn to it and returns the saved bytes.
func Edit(tb testing.TB, data []byte, fn func(f *excelize.File)) []byte {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("open workbook: %v", err)
	}
	defer f.Close()
	fn(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatalf("save workbook: %v", err)
	}
	return buf.Bytes()
}

// SetRoadmap writes the text v into the cell ref of the Roadmap sheet.
func SetRoadmap(tb testing.TB, f *excelize.File, ref, v string) {
	tb.Helper()
	if err := f.SetCellStr(export.SheetRoadmap, ref, v); err != nil {
		tb.Fatalf("set Roadmap!%s: %v", ref, err)
	}
}
