package export_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gapmap/app/export"
	"gapmap/app/recommend"
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// exportedAt is the fixed export time of the fixtures.
var exportedAt = time.Date(2027, 2, 10, 9, 30, 0, 0, time.UTC)

// Team names that try to become formulas or break sheet references.
const (
	evilHyperlink = `=HYPERLINK("http://evil","x")`
	evilAt        = `@SUM(A1)`
	evilSheet     = `Ops 'Core' [EU]: a/b?*`
)

func loadQuestionnaire(tb testing.TB, name string) *questionnaires.Questionnaire {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	q, err := questionnaires.Parse(name, data)
	if err != nil {
		tb.Fatalf("parse %s: %v", name, err)
	}
	return q
}

// fixture is a scored round ready to export, with the answers it was
// scored from.
type fixture struct {
	wb   *export.Workbook
	rows []export.ResponseRow
}

// comments are written on some answers: each must come back as text.
var comments = []string{"", "=1+1", "-5 is wrong", "+cmd", "@me", "\tindented", "\rreturn", "plain, with \"quotes\"\nand a newline"}

// newFixture builds a round of the two test questionnaires with the given
// teams and respondents per team. Answers are deterministic; the first
// team's respondents disagree strongly on the first level dimension.
func newFixture(tb testing.TB, teamNames []string, respondents int) *fixture {
	tb.Helper()
	qs := []*questionnaires.Questionnaire{loadQuestionnaire(tb, "level.yaml"), loadQuestionnaire(tb, "likert.yaml")}
	teams := make([]scoring.Team, len(teamNames))
	for i, n := range teamNames {
		teams[i] = scoring.Team{ID: int64(100 + i), Name: n}
	}
	fx := &fixture{}
	responses := make([][]scoring.Response, len(qs))
	var respID int64 = 1000
	for ti, t := range teams {
		for r := 0; r < respondents; r++ {
			respID++
			submitted := exportedAt.Add(-time.Duration(24*(len(teams)-ti)+r) * time.Hour)
			for qi, q := range qs {
				sr := scoring.Response{ID: respID, TeamID: t.ID}
				n := 0
				for di, d := range q.Dimensions {
					for _, qu := range d.Questions {
						n++
						row := export.ResponseRow{
							TeamName: t.Name, Respondent: fmt.Sprintf("Respondent %d", r+1), ResponseID: respID,
							SubmittedAt: submitted, Questionnaire: q.Key, Question: qu.Key,
							Comment: comments[(ti+r+n)%len(comments)],
						}
						a := scoring.Answer{Question: qu.Key}
						switch {
						case (ti+r+n)%11 == 5:
							row.NA, a.NA = true, true
						case q.Scale == questionnaires.ScaleLikert:
							row.Value = 1 + (ti*3+r+n)%5
							a.Value = row.Value
						default:
							lvl := 1 + (ti+r*2+di+n)%len(q.Levels)
							if ti == 0 && di == 0 {
								lvl = 1 + 2*(r%2)
							}
							row.Level, a.Level = lvl, lvl
							for _, o := range qu.Options {
								if o.Level == lvl {
									row.Option = o.Key
								}
							}
						}
						sr.Answers = append(sr.Answers, a)
						fx.rows = append(fx.rows, row)
					}
				}
				responses[qi] = append(responses[qi], sr)
			}
		}
	}
	// The source emits rows grouped by team, response and questionnaire;
	// the loop above already produced them in that order.
	results := make([]*scoring.Result, len(qs))
	var inputs []recommend.Input
	for qi, q := range qs {
		res, err := scoring.Score(scoring.Input{Questionnaire: q, Teams: teams, Responses: responses[qi], Targets: scoring.Targets{Default: 3}})
		if err != nil {
			tb.Fatalf("score %s: %v", q.Key, err)
		}
		results[qi] = res
		in := recommend.Input{Questionnaire: q}
		for _, d := range res.Dimensions {
			in.Dimensions = append(in.Dimensions, recommend.DimensionState{Key: d.Key, Level: d.Level, Target: d.Target, Weight: d.Weight})
		}
		inputs = append(inputs, in)
	}
	items := recommend.Build(6, inputs)
	due := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	fx.wb = &export.Workbook{
		Round: export.Round{
			AssessmentID: 42, Name: "Revue plateforme « Q1 » – été", Status: "open",
			CreatedAt: time.Date(2027, 1, 5, 8, 0, 0, 0, time.UTC), Due: &due,
		},
		ExportedAt:     exportedAt,
		Questionnaires: qs,
		Results:        results,
		Roadmap:        items,
		Plan:           map[recommend.PlanKey]recommend.Plan{},
		Responses:      fx.source(),
	}
	if len(items) > 0 {
		fx.wb.Plan[recommend.PlanKey{Questionnaire: items[0].Questionnaire, Recommendation: items[0].Key}] = recommend.Plan{
			Owner: "Dana", Quarter: "2027-Q2", Status: recommend.StatusInProgress, Notes: "=cmd|' /C calc'!A0",
		}
	}
	return fx
}

func (fx *fixture) source() export.ResponseSource {
	return func(emit func(*export.ResponseRow) error) error {
		var r export.ResponseRow
		for i := range fx.rows {
			r = fx.rows[i]
			if err := emit(&r); err != nil {
				return err
			}
		}
		return nil
	}
}

func defaultTeams() []string {
	return []string{"Payments", evilHyperlink, evilAt, evilSheet, "Équipe données"}
}

// writeBook exports wb and returns the bytes.
func writeBook(tb testing.TB, wb *export.Workbook) []byte {
	tb.Helper()
	var buf bytes.Buffer
	book := *wb // Write lets go of wb.Results; the tests read them after
	if err := export.Write(&buf, &book); err != nil {
		tb.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// openBook opens workbook bytes with excelize.
func openBook(tb testing.TB, data []byte) *excelize.File {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("open workbook: %v", err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

func value(tb testing.TB, f *excelize.File, sheet, ref string) string {
	tb.Helper()
	v, err := f.GetCellValue(sheet, ref)
	if err != nil {
		tb.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	return v
}

func rawValue(tb testing.TB, f *excelize.File, sheet, ref string) string {
	tb.Helper()
	v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		tb.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	return v
}

func rows(tb testing.TB, f *excelize.File, sheet string) [][]string {
	tb.Helper()
	rs, err := f.GetRows(sheet)
	if err != nil {
		tb.Fatalf("rows of %s: %v", sheet, err)
	}
	return rs
}

// findRow returns the 1-based row whose column A holds text, or 0.
func findRow(rs [][]string, text string) int {
	for i, r := range rs {
		if len(r) > 0 && r[0] == text {
			return i + 1
		}
	}
	return 0
}

func ref(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}
