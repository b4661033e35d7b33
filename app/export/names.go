package export

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// quoteSheet returns a sheet name as it must appear in a reference:
// always quoted, with apostrophes doubled.
func quoteSheet(sheet string) string {
	return "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
}

// absRange returns the absolute reference of a rectangle of a sheet, such as
// 'Summary'!$B$5:$B$9.
func absRange(sheet string, col1, row1, col2, row2 int) string {
	return quoteSheet(sheet) + "!" + absCell(col1, row1) + ":" + absCell(col2, row2)
}

func absCell(col, row int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return "$" + name + "$" + strconv.Itoa(row)
}

// cell returns the A1 name of a cell; col and row are 1-based.
func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// colName returns the letters of a 1-based column number.
func colName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

// FileName is the download name of an export: the assessment's name, the
// team's name for a team export, and the date, with ext (".xlsx", ".csv").
// It keeps any Unicode letter; characters that are unsafe in file names
// become "_". The HTTP layer adds the ASCII fallback.
func FileName(assessment, team string, at time.Time, ext string) string {
	base := assessment
	if team != "" {
		base += " - " + team
	}
	var b strings.Builder
	for _, r := range base {
		switch {
		case unicode.IsControl(r), strings.ContainsRune(`<>:"/\|?*`, r), r == unicode.ReplacementChar:
			b.WriteByte('_')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	name := strings.Join(strings.Fields(b.String()), " ")
	name = strings.TrimLeft(name, ". ")
	if runes := []rune(name); len(runes) > 100 {
		name = strings.TrimSpace(string(runes[:100]))
	}
	if name == "" {
		name = "assessment"
	}
	return name + " " + at.UTC().Format("2006-01-02") + ext
}
