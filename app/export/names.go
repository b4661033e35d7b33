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

// Download kinds: the part of a download's file name that says what it holds.
const (
	KindWorkbook  = "workbook"
	KindResponses = "responses"
	KindLinks     = "links"
	KindReport    = "report"
)

// maxSlug caps, in characters, each name's part of a file name.
const maxSlug = 50

// FileName is the name of every download of a round:
// gapmap-<round>[-<team>]-<kind>-<YYYY-MM-DD><ext>, such as
// gapmap-q1-review-payments-workbook-2027-02-11.xlsx. The round's and the
// team's names are slugs: lower case, letters and digits of any script kept,
// every other run of characters one "-". The date is at's in UTC. The HTTP
// layer adds an ASCII fallback for names outside ASCII.
func FileName(round, team, kind string, at time.Time, ext string) string {
	parts := []string{"gapmap", slug(round, "round")}
	if team != "" {
		parts = append(parts, slug(team, "team"))
	}
	parts = append(parts, kind, at.UTC().Format("2006-01-02"))
	return strings.Join(parts, "-") + ext
}

// slug is name in lower-case letters, digits and single dashes, at most
// maxSlug characters; empty gives fallback.
func slug(name, fallback string) string {
	var b strings.Builder
	n, dash := 0, false
	for _, r := range name {
		if n >= maxSlug {
			break
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
			dash = true
			continue
		}
		if dash && b.Len() > 0 {
			if n+1 >= maxSlug {
				break
			}
			b.WriteByte('-')
			n++
		}
		dash = false
		b.WriteRune(unicode.ToLower(r))
		n++
	}
	if b.Len() == 0 {
		return fallback
	}
	return b.String()
}
