package web

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/export"
	"gapmap/app/recommend"
	"gapmap/app/store"
	"gapmap/app/wording"
	"gapmap/models"
	"gapmap/questionnaires"
)

// maxWorkbookUpload caps an uploaded roadmap workbook, whatever the body
// limit of the server.
const maxWorkbookUpload = 32 << 20

// exportWorkbook answers GET /api/v1/assessments/:id/export.xlsx and
// GET /assessments/:id/export.xlsx [?team_id=ID]: the planning workbook.
func (s *Server) exportWorkbook(c *fiber.Ctx) error {
	sc, err := s.roundScopeOf(c)
	if err != nil {
		return err
	}
	p := principalOf(c)
	ctx := c.UserContext()
	round, err := s.scopedRound(c, p, sc)
	if err != nil {
		return err
	}
	items, err := s.recommendations(ctx, p.OrgID, &sc.a.Assessment, round, sc.teamID)
	if err != nil {
		return err
	}
	plan, err := s.planMap(ctx, p.OrgID, sc.a.ID, sc.teamID)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	delivery, err := s.workbookDelivery(c, sc, now)
	if err != nil {
		return err
	}
	wb := &export.Workbook{
		Delivery: delivery,
		Round: export.Round{
			AssessmentID: sc.a.ID, Name: sc.a.Name, Status: sc.a.Status,
			CreatedAt: sc.a.CreatedAt, Due: sc.a.Due, ClosedAt: sc.a.ClosedAt,
			TeamID: sc.teamID, TeamName: sc.teamName,
		},
		ExportedAt:     now,
		Questionnaires: round.Questionnaires,
		Results:        round.Results,
		Roadmap:        items,
		Plan:           plan,
		Responses:      s.responseSource(ctx, sc.a, sc.teamID),
	}
	name := export.FileName(sc.a.Name, sc.teamName, export.KindWorkbook, now, ".xlsx")
	return sendFile(c, attachment, name, mimeXLSX, func(w io.Writer) error { return export.Write(w, wb) })
}

// apiResponsesCSV answers GET /api/v1/assessments/:id/responses.csv
// [?team_id=ID]: every submitted answer as RFC 4180 CSV.
func (s *Server) apiResponsesCSV(c *fiber.Ctx) error {
	sc, err := s.roundScopeOf(c)
	if err != nil {
		return err
	}
	p := principalOf(c)
	ctx := c.UserContext()
	pinned, err := s.store.PinnedQuestionnaires(ctx, p.OrgID, sc.a.ID)
	if err != nil {
		return err
	}
	qs := make([]*questionnaires.Questionnaire, len(pinned))
	for i, pq := range pinned {
		qs[i] = pq.Q
	}
	src := s.responseSource(ctx, sc.a, sc.teamID)
	name := export.FileName(sc.a.Name, sc.teamName, export.KindResponses, time.Now(), ".csv")
	return sendFile(c, attachment, name, mimeCSV, func(w io.Writer) error { return export.WriteResponsesCSV(w, qs, src) })
}

// responseSource streams the submitted answers from the store.
func (s *Server) namedResponseSource(ctx context.Context, orgID, assessmentID, teamID int64) export.ResponseSource {
	return func(emit func(*export.ResponseRow) error) error {
		var row export.ResponseRow
		return s.store.StreamResponses(ctx, orgID, assessmentID, teamID, func(r *store.ExportRow) error {
			row = export.ResponseRow{
				TeamName: r.TeamName, Respondent: r.Respondent, ResponseID: r.ResponseID, SubmittedAt: r.SubmittedAt,
				Questionnaire: r.QuestionnaireKey, Question: r.QuestionKey, Option: r.OptionKey,
				Level: r.Level, Value: r.Value, NA: r.NA, Text: r.Text, Comment: r.Comment,
				EvidenceURL: r.EvidenceURL, EvidenceNote: r.EvidenceNote,
			}
			if r.Number != nil {
				row.Number, row.HasNumber = *r.Number, true
			}
			return emit(&row)
		})
	}
}

// planMap loads the stored plan of an assessment (teamID 0: the
// organization's) keyed by recommendation.
func (s *Server) planMap(ctx context.Context, orgID, assessmentID, teamID int64) (map[recommend.PlanKey]recommend.Plan, error) {
	items, err := s.store.PlanItems(ctx, orgID, assessmentID, teamID)
	if err != nil {
		return nil, err
	}
	return planMapOf(items), nil
}

// planMapOf indexes stored plan items by recommendation.
func planMapOf(items []models.PlanItem) map[recommend.PlanKey]recommend.Plan {
	out := make(map[recommend.PlanKey]recommend.Plan, len(items))
	for _, it := range items {
		out[recommend.PlanKey{Questionnaire: it.QuestionnaireKey, Recommendation: it.RecommendationKey}] = recommend.Plan{
			Owner: it.Owner, Quarter: it.Quarter, Status: it.Status, Notes: it.Notes,
		}
	}
	return out
}

// roadmapImport is the outcome of applying a roadmap workbook.
type roadmapImport struct {
	AssessmentID int64 `json:"assessment_id"`
	TeamID       int64 `json:"team_id"`
	Rows         int   `json:"rows"`
	store.PlanApplied
}

// importRoadmap reads the Roadmap sheet of an uploaded workbook and stores
// its plan for the assessment of :id; every problem of the file is an
// EInvalid error with Details["problems"], and then nothing is stored.
func (s *Server) importRoadmap(c *fiber.Ctx, data []byte) (*roadmapImport, error) {
	p := principalOf(c)
	ctx := c.UserContext()
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	a, err := s.store.Assessment(ctx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, planProblems(export.Problems{{Message: "No file was sent: upload the workbook exported from gapmap."}})
	}
	if len(data) > maxWorkbookUpload {
		return nil, apperr.Errorf(apperr.ETooLarge, "A workbook may be at most %d MiB.", maxWorkbookUpload>>20)
	}
	pf, err := export.ReadPlan(data, export.ReadLimits{})
	if err != nil {
		return nil, planProblems(err)
	}
	stored, err := s.planMap(ctx, p.OrgID, id, pf.TeamID)
	if err != nil {
		return nil, err
	}
	pinned, err := s.store.PinnedQuestionnaires(ctx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	known := map[recommend.PlanKey]bool{}
	for _, pq := range pinned {
		for _, r := range pq.Q.Recommendations {
			known[recommend.PlanKey{Questionnaire: pq.Key, Recommendation: r.Key}] = true
		}
	}
	entries, err := pf.Check(id, func(k recommend.PlanKey) bool { return known[k] }, stored)
	if err != nil {
		return nil, planProblems(err)
	}
	if pf.TeamID != 0 && !a.HasTeam(pf.TeamID) {
		return nil, planProblems(export.Problems{{Sheet: export.SheetMarker, Row: 3, Column: "B",
			Message: "This workbook was exported for a team that does not take part in this round."}})
	}
	changes := make([]store.PlanChange, len(entries))
	for i, e := range entries {
		changes[i] = store.PlanChange{
			QuestionnaireKey: e.Key.Questionnaire, RecommendationKey: e.Key.Recommendation,
			Owner: e.Plan.Owner, Quarter: e.Plan.Quarter, Status: e.Plan.Status, Notes: e.Plan.Notes,
		}
	}
	res, err := s.store.ApplyPlan(ctx, p.OrgID, id, pf.TeamID, changes)
	if err != nil {
		return nil, err
	}
	return &roadmapImport{AssessmentID: id, TeamID: pf.TeamID, Rows: len(entries), PlanApplied: *res}, nil
}

// planProblems turns the problems of a workbook into the 422 answer
// {"error","problems":[{"sheet","row","column","message"}]}.
func planProblems(err error) error {
	ps, ok := err.(export.Problems)
	if !ok {
		return err
	}
	msg := "The workbook was not applied: " + wording.Count(len(ps), "problem") + " found; nothing was changed."
	if len(ps) == 1 {
		msg = "The workbook was not applied, nothing was changed: " + ps[0].String()
	}
	return &apperr.Error{Code: apperr.EInvalid, Message: msg, Details: map[string]any{"problems": ps}}
}

// apiImportRoadmap answers POST /api/v1/assessments/:id/roadmap.xlsx: the
// workbook as the raw body, or as the multipart field "file".
func (s *Server) apiImportRoadmap(c *fiber.Ctx) error {
	data, err := workbookUpload(c)
	if err != nil {
		return err
	}
	res, err := s.importRoadmap(c, data)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// importRoadmapForm answers POST /assessments/:id/roadmap, the upload form
// of the report page: back to the report with a message, or an error page
// listing every problem.
func (s *Server) importRoadmapForm(c *fiber.Ctx) error {
	data, err := workbookUpload(c)
	var res *roadmapImport
	if err == nil {
		res, err = s.importRoadmap(c, data)
	}
	if err != nil {
		ae, ok := apperr.As(err)
		if !ok || ae.Code == apperr.EInternal || ae.Code == apperr.ENotFound {
			return err
		}
		ps, _ := ae.Details["problems"].(export.Problems)
		msg := ae.Message
		if len(ps) > 1 {
			lines := make([]string, len(ps))
			for i, p := range ps {
				lines[i] = p.String()
			}
			msg += " " + strings.Join(lines, "; ") + "."
		}
		c.Status(statusOf(ae.Code))
		return s.render(c, "errors/error", fiber.Map{
			"Title": "The roadmap was not imported", "Status": statusOf(ae.Code), "Message": msg, "Problems": ps,
		})
	}
	back := "/assessments/" + strconv.FormatInt(res.AssessmentID, 10) + "/report"
	if res.TeamID != 0 {
		back = "/assessments/" + strconv.FormatInt(res.AssessmentID, 10) + "/teams/" + strconv.FormatInt(res.TeamID, 10) + "/report"
	}
	changed := res.Created + res.Updated
	msg := "Roadmap imported: " + wording.Count(changed, "recommendation") + " changed, " + itoa(res.Unchanged) + " unchanged."
	if changed == 0 {
		msg = "Roadmap imported: the plan was already up to date, nothing changed."
	}
	return s.redirectFlash(c, back, "success", msg)
}

// workbookUpload returns the uploaded workbook: the multipart field "file"
// of a form, else the raw body.
func workbookUpload(c *fiber.Ctx) ([]byte, error) {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if !strings.HasPrefix(ct, fiber.MIMEMultipartForm) {
		return c.Body(), nil
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, nil
	}
	if fh.Size > maxWorkbookUpload {
		return nil, apperr.Errorf(apperr.ETooLarge, "A workbook may be at most %d MiB.", maxWorkbookUpload>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, apperr.Errorf(apperr.EBadRequest, "The uploaded file cannot be read.")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxWorkbookUpload+1))
	if err != nil {
		return nil, apperr.Errorf(apperr.EBadRequest, "The uploaded file cannot be read.")
	}
	return data, nil
}
