package export

import (
	"strings"

	"gapmap/app/recommend"

	"github.com/xuri/excelize/v2"
)

// Roadmap columns, 1-based. The planning columns are Owner, Quarter,
// Status and Notes; the last two, hidden, key each row for ReadPlan.
const (
	rmRank = iota + 1
	rmPhase
	rmQuestionnaire
	rmDimension
	rmFrom
	rmTo
	rmTitle
	rmDetail
	rmImpact
	rmEffort
	rmPriority
	rmQuickWin
	rmWhy
	rmOwner
	rmQuarter
	rmStatus
	rmNotes
	rmQuestionnaireKey
	rmRecommendationKey
)

// Roadmap headers that ReadPlan looks for, wherever the planner moved them.
const (
	HeaderOwner             = "Owner"
	HeaderQuarter           = "Quarter"
	HeaderStatus            = "Status"
	HeaderNotes             = "Notes"
	HeaderQuestionnaireKey  = "Questionnaire key"
	HeaderRecommendationKey = "Recommendation key"
)

func roadmapHeaders() []string {
	return []string{
		"Rank", "Phase", "Questionnaire", "Dimension", "From level", "To level", "Recommendation", "Detail",
		"Impact", "Effort", "Priority", "Quick win", "Why",
		HeaderOwner, HeaderQuarter, HeaderStatus, HeaderNotes, HeaderQuestionnaireKey, HeaderRecommendationKey,
	}
}

// writeRoadmap writes one row per recommendation in rank order with the
// stored plan, drop-downs for Quarter and Status, an auto-filter and a
// frozen header.
func writeRoadmap(f *excelize.File, st *styles, wb *Workbook) error {
	s := st.sheet(f, SheetRoadmap)
	s.widths(6, 8, 20, 20, 7, 7, 36, 60, 7, 7, 8, 7, 60, 18, 11, 13, 40, 22, 30)
	heads := roadmapHeaders()
	for i, h := range heads {
		style := st.header
		if c := i + 1; c >= rmOwner && c <= rmNotes {
			style = st.planHeader
		}
		s.str(i+1, 1, h, style)
	}
	titles := map[string]string{}
	for _, q := range wb.Questionnaires {
		if q != nil {
			titles[q.Key] = q.Title
		}
	}
	row := 2
	for _, it := range wb.Roadmap {
		p := wb.Plan[recommend.PlanKey{Questionnaire: it.Questionnaire, Recommendation: it.Key}]
		qt := titles[it.Questionnaire]
		if qt == "" {
			qt = it.Questionnaire
		}
		dt := it.DimensionTitle
		if dt == "" {
			dt = it.Dimension
		}
		quick := "No"
		if it.QuickWin {
			quick = "Yes"
		}
		s.int(rmRank, row, it.Rank, st.integer)
		s.str(rmPhase, row, recommend.PhaseTitle(it.Phase), st.text)
		s.str(rmQuestionnaire, row, qt, st.wrap)
		s.str(rmDimension, row, dt, st.wrap)
		s.int(rmFrom, row, it.FromLevel, st.integer)
		s.int(rmTo, row, it.ToLevel, st.integer)
		s.str(rmTitle, row, it.Title, st.wrap)
		s.str(rmDetail, row, it.Detail, st.wrap)
		s.int(rmImpact, row, it.Impact, st.integer)
		s.int(rmEffort, row, it.Effort, st.integer)
		s.float(rmPriority, row, it.Priority, st.priority)
		s.str(rmQuickWin, row, quick, st.text)
		s.str(rmWhy, row, it.Why, st.wrap)
		s.str(rmOwner, row, p.Owner, st.wrap)
		s.str(rmQuarter, row, p.Quarter, st.text)
		s.str(rmStatus, row, recommend.StatusLabel(p.Status), st.text)
		s.str(rmNotes, row, p.Notes, st.wrap)
		s.str(rmQuestionnaireKey, row, it.Questionnaire, st.text)
		s.str(rmRecommendationKey, row, it.Key, st.text)
		row++
	}
	last := row - 1
	if len(wb.Roadmap) == 0 {
		s.str(rmRank, 2, "No recommendations: every measured dimension is at or above its target.", 0)
		last = 2
	}
	if s.err != nil {
		return s.err
	}
	hidden := colName(rmQuestionnaireKey) + ":" + colName(rmRecommendationKey)
	if err := f.SetColVisible(SheetRoadmap, hidden, false); err != nil {
		return err
	}
	if err := f.AutoFilter(SheetRoadmap, cell(rmRank, 1)+":"+cell(rmNotes, last), nil); err != nil {
		return err
	}
	if err := f.SetPanes(SheetRoadmap, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	if len(wb.Roadmap) == 0 {
		return nil
	}
	quarters := Quarters(wb.ExportedAt, QuarterCount)
	statuses := make([]string, 0, 4)
	for _, sv := range recommend.Statuses() {
		statuses = append(statuses, recommend.StatusLabel(sv))
	}
	for _, dv := range []struct {
		col          int
		values       []string
		title, error string
	}{
		{rmQuarter, quarters, "Quarter", "Choose one of " + strings.Join(quarters, ", ") + ", or leave it empty."},
		{rmStatus, statuses, "Status", "Choose one of " + strings.Join(statuses, ", ") + ", or leave it empty."},
	} {
		v := excelize.NewDataValidation(true)
		v.SetSqref(cell(dv.col, 2) + ":" + cell(dv.col, last))
		if err := v.SetDropList(dv.values); err != nil {
			return err
		}
		v.SetError(excelize.DataValidationErrorStyleStop, dv.title, dv.error)
		if err := f.AddDataValidation(SheetRoadmap, v); err != nil {
			return err
		}
	}
	return nil
}
