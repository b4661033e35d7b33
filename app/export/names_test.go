package export_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"gapmap/app/export"
	"gapmap/app/recommend"
)

func TestFileName(t *testing.T) {
	at := time.Date(2027, 2, 10, 23, 0, 0, 0, time.FixedZone("x", -5*3600))
	tests := []struct {
		round, team, kind, ext, want string
	}{
		{"Q1 review", "", export.KindWorkbook, ".xlsx", "gapmap-q1-review-workbook-2027-02-11.xlsx"},
		{"Q1 review", "Payments | Core", export.KindResponses, ".csv", "gapmap-q1-review-payments-core-responses-2027-02-11.csv"},
		{"Spring round", "", export.KindLinks, ".csv", "gapmap-spring-round-links-2027-02-11.csv"},
		{"Q1 2026 | *pilot*", "", export.KindReport, ".md", "gapmap-q1-2026-pilot-report-2027-02-11.md"},
		{"Revue « été »", "Équipe", export.KindWorkbook, ".xlsx", "gapmap-revue-été-équipe-workbook-2027-02-11.xlsx"},
		{"評価 第一回", "", export.KindReport, ".md", "gapmap-評価-第一回-report-2027-02-11.md"},
		{`a/b\c:"d"<e>|f?*`, "", export.KindWorkbook, ".xlsx", "gapmap-a-b-c-d-e-f-workbook-2027-02-11.xlsx"},
		{"..\\..\\etc", "", export.KindWorkbook, ".xlsx", "gapmap-etc-workbook-2027-02-11.xlsx"},
		{"line\nbreak\x00", "", export.KindWorkbook, ".xlsx", "gapmap-line-break-workbook-2027-02-11.xlsx"},
		{"   ", "", export.KindWorkbook, ".xlsx", "gapmap-round-workbook-2027-02-11.xlsx"},
		{"R", "!!!", export.KindWorkbook, ".xlsx", "gapmap-r-team-workbook-2027-02-11.xlsx"},
		{strings.Repeat("x", 300), "", export.KindWorkbook, ".xlsx", "gapmap-" + strings.Repeat("x", 50) + "-workbook-2027-02-11.xlsx"},
		{strings.Repeat("ab ", 30), "", export.KindWorkbook, ".xlsx", "gapmap-" + strings.TrimSuffix(strings.Repeat("ab-", 17), "-") + "-workbook-2027-02-11.xlsx"},
	}
	for _, tt := range tests {
		if got := export.FileName(tt.round, tt.team, tt.kind, at, tt.ext); got != tt.want {
			t.Errorf("FileName(%q, %q, %q) = %q, want %q", tt.round, tt.team, tt.kind, got, tt.want)
		}
	}
}

func TestQuarters(t *testing.T) {
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "2027-Q1,2027-Q2,2027-Q3,2027-Q4,2028-Q1,2028-Q2"},
		{time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), "2026-Q4,2027-Q1,2027-Q2,2027-Q3,2027-Q4,2028-Q1"},
		{time.Date(2027, 6, 30, 23, 59, 0, 0, time.UTC), "2027-Q2,2027-Q3,2027-Q4,2028-Q1,2028-Q2,2028-Q3"},
		{time.Date(2027, 7, 1, 1, 0, 0, 0, time.FixedZone("east", 3*3600)), "2027-Q2,2027-Q3,2027-Q4,2028-Q1,2028-Q2,2028-Q3"},
	}
	for _, tt := range tests {
		if got := strings.Join(export.Quarters(tt.at, export.QuarterCount), ","); got != tt.want {
			t.Errorf("Quarters(%v) = %s, want %s", tt.at, got, tt.want)
		}
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "", true},
		{"  ", "", true},
		{"Not started", recommend.StatusNotStarted, true},
		{"in PROGRESS", recommend.StatusInProgress, true},
		{" Done ", recommend.StatusDone, true},
		{"Won't do", recommend.StatusWontDo, true},
		{"Won’t do", recommend.StatusWontDo, true},
		{"wont_do", recommend.StatusWontDo, true},
		{"Blocked", "", false},
		{"Done!", "", false},
	}
	for _, tt := range tests {
		got, ok := export.ParseStatus(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCSVText(t *testing.T) {
	for in, want := range map[string]string{
		"":              "",
		"plain":         "plain",
		"=1+1":          "'=1+1",
		"+1":            "'+1",
		"-1":            "'-1",
		"@SUM(A1)":      "'@SUM(A1)",
		"\tx":           "'\tx",
		"\rx":           "'\rx",
		" =1":           " =1",
		"a=1":           "a=1",
		"'already":      "'already",
		evilHyperlink:   "'" + evilHyperlink,
		"\u00a0=hidden": "\u00a0=hidden",
	} {
		if got := export.CSVText(in); got != want {
			t.Errorf("CSVText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResponsesCSV(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 2)
	var buf bytes.Buffer
	if err := export.WriteResponsesCSV(&buf, fx.wb.Questionnaires, fx.source()); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&buf)
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse as RFC 4180: %v", err)
	}
	if len(recs) != 1+len(fx.rows) {
		t.Fatalf("%d records, want header + %d", len(recs), len(fx.rows))
	}
	if recs[0][0] != "Team" || len(recs[0]) != 14 {
		t.Errorf("header = %q", recs[0])
	}
	for i, row := range fx.rows {
		rec := recs[i+1]
		if rec[0] != export.CSVText(row.TeamName) || rec[11] != export.CSVText(row.Comment) {
			t.Errorf("record %d = %q, want team %q comment %q defused", i+1, rec, row.TeamName, row.Comment)
		}
		if rec[3] != row.SubmittedAt.UTC().Format(time.RFC3339) {
			t.Errorf("record %d submitted = %q", i+1, rec[3])
		}
		for j, v := range rec {
			if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
				t.Errorf("record %d field %d = %q starts with a formula character", i+1, j, v)
			}
		}
	}
}

func TestLinksCSV(t *testing.T) {
	tests := []struct {
		name  string
		links []export.Link
		want  string
	}{
		{"no links", nil, "team,label,link\n"},
		{"plain", []export.Link{{Team: "Payments", Label: "ana", URL: "https://gapmap.test/s/s_1"}},
			"team,label,link\nPayments,ana,https://gapmap.test/s/s_1\n"},
		{"formulas and quotes are defused", []export.Link{{Team: "=HYPERLINK(\"x\")", Label: "-1, \"two\"", URL: "https://gapmap.test/s/s_2"}},
			"team,label,link\n\"'=HYPERLINK(\"\"x\"\")\",\"'-1, \"\"two\"\"\",https://gapmap.test/s/s_2\n"},
		{"empty label", []export.Link{{Team: "Core", URL: "https://gapmap.test/s/s_3"}},
			"team,label,link\nCore,,https://gapmap.test/s/s_3\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := export.WriteLinksCSV(&buf, tt.links); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if buf.String() != tt.want {
			t.Errorf("%s: CSV = %q, want %q", tt.name, buf.String(), tt.want)
		}
	}
}

func TestResponsesSourceError(t *testing.T) {
	fx := newFixture(t, defaultTeams(), 1)
	boom := errors.New("database went away")
	fx.wb.Responses = func(emit func(*export.ResponseRow) error) error {
		if err := emit(&fx.rows[0]); err != nil {
			return err
		}
		return boom
	}
	var buf bytes.Buffer
	if err := export.Write(&buf, fx.wb); !errors.Is(err, boom) {
		t.Errorf("Write = %v, want the source's error", err)
	}
	if err := export.WriteResponsesCSV(&buf, fx.wb.Questionnaires, fx.wb.Responses); !errors.Is(err, boom) {
		t.Errorf("WriteResponsesCSV = %v, want the source's error", err)
	}
}
