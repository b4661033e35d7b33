package web

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"gapmap/app/apperr"
	"gapmap/app/store"
	"gapmap/models"
	"gapmap/questionnaires"
)

// assessmentBody is the JSON of POST /api/v1/assessments (and the parsed
// form of the new-assessment page).
type assessmentBody struct {
	Name           string         `json:"name"`
	Questionnaires []string       `json:"questionnaires"`
	TeamIDs        []int64        `json:"team_ids"`
	DefaultTarget  *int           `json:"default_target"`
	Targets        map[string]int `json:"targets"`
	Due            *string        `json:"due"`
	Capacity       *int           `json:"capacity"`
	Anonymity      *anonymityJSON `json:"anonymity"`
	Reminders      *remindersJSON `json:"reminders"`
}

// availableQuestionnaire is a questionnaire an assessment may use.
type availableQuestionnaire struct {
	Q         *questionnaires.Questionnaire
	VersionID int64 // an upload of the org; 0 for a shipped one
}

// roundChoices lists the org's uploads and the shipped
// questionnaires by key; an upload hides a shipped questionnaire of the
// same key.
func (s *Server) roundChoices(ctx context.Context, orgID int64) ([]availableQuestionnaire, error) {
	uploads, err := s.store.OrgQuestionnaires(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []availableQuestionnaire
	seen := map[string]bool{}
	for _, u := range uploads {
		out = append(out, availableQuestionnaire{Q: u.Q, VersionID: u.VersionID})
		seen[u.Q.Key] = true
	}
	for _, q := range s.shipped {
		if !seen[q.Key] {
			out = append(out, availableQuestionnaire{Q: q})
		}
	}
	slices.SortFunc(out, func(a, b availableQuestionnaire) int { return strings.Compare(a.Q.Key, b.Q.Key) })
	return out, nil
}

// createAssessment validates a body and stores the assessment.
func (s *Server) createAssessment(ctx context.Context, orgID int64, b assessmentBody) (*store.AssessmentInfo, error) {
	avail, err := s.roundChoices(ctx, orgID)
	if err != nil {
		return nil, err
	}
	in := store.AssessmentInput{Name: b.Name, TeamIDs: b.TeamIDs, Targets: b.Targets}
	if b.Anonymity != nil {
		in.Anonymity, in.MinGroup = b.Anonymity.Mode, b.Anonymity.MinGroup
		if in.Anonymity == "" {
			return nil, apperr.Field("anonymity", "anonymity.mode is required: %q or %q.", models.AnonymityNamed, models.AnonymityAnonymous)
		}
	}
	for _, key := range b.Questionnaires {
		key = strings.TrimSpace(key)
		i := slices.IndexFunc(avail, func(a availableQuestionnaire) bool { return a.Q.Key == key })
		if i < 0 {
			return nil, apperr.Field("questionnaires", "Unknown questionnaire %q.", clip(key))
		}
		in.Questionnaires = append(in.Questionnaires, store.QuestionnaireChoice{Q: avail[i].Q, VersionID: avail[i].VersionID})
	}
	if b.DefaultTarget != nil {
		if *b.DefaultTarget < 1 {
			return nil, apperr.Field("default_target", "The default target must be a level of 1 or more.")
		}
		in.DefaultTarget = *b.DefaultTarget
	}
	if b.Capacity != nil {
		if *b.Capacity < 1 {
			return nil, apperr.Field("capacity", "Capacity must be a whole number from 1 to %d.", store.MaxCapacity)
		}
		in.Capacity = *b.Capacity
	}
	if b.Reminders != nil {
		in.ReminderDays = b.Reminders.DaysBeforeDue
	}
	if b.Due != nil && strings.TrimSpace(*b.Due) != "" {
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(*b.Due))
		if err != nil {
			return nil, apperr.Field("due", "The due date must be a date such as 2026-12-31.")
		}
		in.Due = &d
	}
	return s.store.CreateAssessment(ctx, orgID, in)
}

type assessmentVersionJSON struct {
	Key                  string `json:"key"`
	Version              string `json:"version"`
	Title                string `json:"title"`
	VersionID            int64  `json:"version_id"`
	PreviousAssessmentID *int64 `json:"previous_assessment_id"`
}

type assessmentJSON struct {
	ID                    int64                   `json:"id"`
	Name                  string                  `json:"name"`
	Status                string                  `json:"status"`
	Due                   *string                 `json:"due"`
	DefaultTarget         int                     `json:"default_target"`
	Targets               map[string]int          `json:"targets"`
	Capacity              int                     `json:"capacity"`
	Anonymity             anonymityJSON           `json:"anonymity"`
	Questionnaires        []string                `json:"questionnaires"`
	QuestionnaireVersions []assessmentVersionJSON `json:"questionnaire_versions,omitempty"`
	TeamIDs               []int64                 `json:"team_ids,omitempty"`
	Teams                 []models.Team           `json:"teams,omitempty"`
	Progress              *store.Progress         `json:"progress,omitempty"`
	CreatedAt             time.Time               `json:"created_at"`
	ClosedAt              *time.Time              `json:"closed_at"`
	Reminders             remindersJSON           `json:"reminders"`
}

func dateString(t *time.Time) *string {
	if t == nil {
		return nil
	}
	d := t.UTC().Format(time.DateOnly)
	return &d
}

func toAssessmentJSON(a *store.AssessmentInfo, progress *store.Progress) assessmentJSON {
	out := assessmentJSON{
		ID: a.ID, Name: a.Name, Status: a.Status, Due: dateString(a.Due), DefaultTarget: a.DefaultTarget,
		Targets: a.TargetMap, Capacity: a.Capacity, Anonymity: anonymityOf(&a.Assessment), Questionnaires: []string{},
		QuestionnaireVersions: []assessmentVersionJSON{}, TeamIDs: nonNil(a.TeamIDs()), Teams: nonNil(a.Teams),
		Progress: progress, CreatedAt: a.CreatedAt, ClosedAt: a.ClosedAt,
		Reminders: remindersJSON{DaysBeforeDue: store.ReminderDaysOf(&a.Assessment)},
	}
	for _, q := range a.Questionnaires {
		out.Questionnaires = append(out.Questionnaires, q.Key)
		out.QuestionnaireVersions = append(out.QuestionnaireVersions, assessmentVersionJSON{
			Key: q.Key, Version: q.Version, Title: q.Title, VersionID: q.VersionID, PreviousAssessmentID: q.PreviousAssessmentID,
		})
	}
	return out
}

func progressOf(invs []store.InvitationStatus) store.Progress {
	var p store.Progress
	for _, inv := range invs {
		switch inv.Status {
		case store.InvitationRevoked:
			continue
		case store.InvitationSubmitted:
			p.Submitted++
		case store.InvitationInProgress:
			p.InProgress++
		default:
			p.NotStarted++
		}
		p.Invitations++
	}
	return p
}

// viewScope returns the teams whose invitations the principal may see: nil
// for all (leaders and above), else their own teams. A wrapper over
// accessOf kept for callers in other files.
func (s *Server) viewScope(c *fiber.Ctx, _ *store.Principal) ([]int64, error) {
	a, err := s.accessOf(c)
	return a.Visible(), err
}

// manageScope returns the teams whose invitations the principal may create
// and revoke: nil for all (admins and owners), else their own teams. A
// wrapper over accessOf kept for callers in other files.
func (s *Server) manageScope(c *fiber.Ctx, _ *store.Principal) ([]int64, error) {
	a, err := s.accessOf(c)
	return a.Managed(), err
}

func inScope(scope []int64, teamID int64) bool {
	return scope == nil || slices.Contains(scope, teamID)
}

// ---------------------------------------------------------------- API

func (s *Server) apiAssessments(c *fiber.Ctx) error {
	list, err := s.store.Assessments(c.UserContext(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	out := make([]fiber.Map, 0, len(list))
	for _, a := range list {
		out = append(out, fiber.Map{
			"id": a.ID, "name": a.Name, "status": a.Status, "due": dateString(a.Due), "default_target": a.DefaultTarget,
			"capacity": a.Capacity, "questionnaires": nonNil(a.QuestionnaireKeys), "progress": a.Progress,
			"created_at": a.CreatedAt, "closed_at": a.ClosedAt,
		})
	}
	return c.JSON(out)
}

func (s *Server) apiCreateAssessment(c *fiber.Ctx) error {
	var b assessmentBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	a, err := s.createAssessment(c.UserContext(), principalOf(c).OrgID, b)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAssessmentJSON(a, &store.Progress{}))
}

// assessmentOf loads the assessment of :id with the invitations the
// principal may see (members: their teams').
func (s *Server) assessmentOf(c *fiber.Ctx, p *store.Principal) (*store.AssessmentInfo, []store.InvitationStatus, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, nil, err
	}
	a, err := s.store.Assessment(c.UserContext(), p.OrgID, id)
	if err != nil {
		return nil, nil, err
	}
	acc, err := s.accessOf(c)
	if err != nil {
		return nil, nil, err
	}
	invs, err := s.store.Invitations(c.UserContext(), p.OrgID, id, acc.Visible())
	if err != nil {
		return nil, nil, err
	}
	return a, invs, nil
}

func (s *Server) apiAssessment(c *fiber.Ctx) error {
	a, invs, err := s.assessmentOf(c, principalOf(c))
	if err != nil {
		return err
	}
	progress := progressOf(invs)
	return c.JSON(toAssessmentJSON(a, &progress))
}

func (s *Server) apiCloseAssessment(c *fiber.Ctx) error {
	return s.apiSetStatus(c, s.closeRound)
}

func (s *Server) apiReopenAssessment(c *fiber.Ctx) error {
	return s.apiSetStatus(c, s.store.ReopenAssessment)
}

type statusSetter func(ctx context.Context, orgID, id int64) (*store.AssessmentInfo, error)

func (s *Server) setStatus(c *fiber.Ctx, set statusSetter) (*store.AssessmentInfo, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	p := principalOf(c)
	a, err := set(c.UserContext(), p.OrgID, id)
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (s *Server) apiSetStatus(c *fiber.Ctx, set statusSetter) error {
	a, err := s.setStatus(c, set)
	if err != nil {
		return err
	}
	return c.JSON(toAssessmentJSON(a, nil))
}

// ---------------------------------------------------------------- pages

// assessmentsPage is the home page after login: every round with its status
// and progress.
func (s *Server) assessmentsPage(c *fiber.Ctx) error {
	p := principalOf(c)
	list, err := s.store.Assessments(c.UserContext(), p.OrgID)
	if err != nil {
		return err
	}
	teams, err := s.store.Teams(c.UserContext(), p.OrgID)
	if err != nil {
		return err
	}
	type row struct {
		store.AssessmentSummary
		Pct int
	}
	rows := make([]row, 0, len(list))
	for _, a := range list {
		rows = append(rows, row{AssessmentSummary: a, Pct: models.Percent(a.Progress.Submitted, a.Progress.Invitations)})
	}
	return s.render(c, "assessments/index", fiber.Map{
		"Title": "Rounds", "Assessments": rows, "CanAdmin": p.Role.AtLeast(models.RoleAdmin), "HasTeams": len(teams) > 0,
	})
}

// newAssessmentPage shows the form that creates a round.
func (s *Server) newAssessmentPage(c *fiber.Ctx) error {
	return s.renderNewAssessment(c, fiber.Map{})
}

func (s *Server) renderNewAssessment(c *fiber.Ctx, data fiber.Map) error {
	p := principalOf(c)
	avail, err := s.roundChoices(c.UserContext(), p.OrgID)
	if err != nil {
		return err
	}
	teams, err := s.store.Teams(c.UserContext(), p.OrgID)
	if err != nil {
		return err
	}
	if data["Form"] == nil {
		keys := make([]string, 0, len(s.shipped))
		for _, q := range s.shipped {
			keys = append(keys, q.Key)
		}
		ids := make([]int64, 0, len(teams))
		for _, t := range teams {
			ids = append(ids, t.ID)
		}
		data["Form"] = assessmentForm{DefaultTarget: strconv.Itoa(store.DefaultTarget), Capacity: strconv.Itoa(store.DefaultCapacity),
			Questionnaires: keys, TeamIDs: ids, Targets: map[string]string{},
			Anonymity: models.AnonymityNamed, MinGroup: strconv.Itoa(store.DefaultMinGroup)}
	}
	data["Title"] = "New round"
	data["Available"] = avail
	data["Teams"] = teams
	return s.render(c, "assessments/new", data)
}

// assessmentForm is the new-assessment form as typed, for re-rendering.
type assessmentForm struct {
	Name           string
	Questionnaires []string
	TeamIDs        []int64
	DefaultTarget  string
	Due            string
	Capacity       string
	Targets        map[string]string
	Anonymity      string
	MinGroup       string
}

func (f assessmentForm) HasQuestionnaire(key string) bool {
	return slices.Contains(f.Questionnaires, key)
}
func (f assessmentForm) HasTeam(id int64) bool     { return slices.Contains(f.TeamIDs, id) }
func (f assessmentForm) Target(q, d string) string { return f.Targets[q+"/"+d] }

func (s *Server) createAssessmentForm(c *fiber.Ctx) error {
	p := principalOf(c)
	f := assessmentForm{
		Name: c.FormValue("name"), DefaultTarget: strings.TrimSpace(c.FormValue("default_target")),
		Due: strings.TrimSpace(c.FormValue("due")), Capacity: strings.TrimSpace(c.FormValue("capacity")), Targets: map[string]string{},
		Anonymity: strings.TrimSpace(c.FormValue("anonymity")), MinGroup: strings.TrimSpace(c.FormValue("min_group")),
	}
	b := assessmentBody{Name: f.Name, Targets: map[string]int{}}
	for _, v := range c.Context().PostArgs().PeekMulti("questionnaires") {
		f.Questionnaires = append(f.Questionnaires, string(v))
	}
	b.Questionnaires = f.Questionnaires
	fail := func(err error) error {
		return s.withFormError(c, err, func(data fiber.Map) error {
			data["Form"] = f
			return s.renderNewAssessment(c, data)
		})
	}
	ids, err := formIDs(c, "team_ids")
	if err != nil {
		return fail(err)
	}
	f.TeamIDs, b.TeamIDs = ids, ids
	var formErr error
	c.Context().PostArgs().VisitAll(func(k, v []byte) {
		key, ok := strings.CutPrefix(string(k), "target:")
		val := strings.TrimSpace(string(v))
		if !ok || val == "" {
			return
		}
		f.Targets[key] = val
		qk, _, _ := strings.Cut(key, "/")
		if !f.HasQuestionnaire(qk) {
			return
		}
		n, err := strconv.Atoi(val)
		if err != nil && formErr == nil {
			formErr = apperr.Field("targets", "Targets must be whole numbers (level %q is not).", clip(val))
		}
		b.Targets[key] = n
	})
	if formErr != nil {
		return fail(formErr)
	}
	if f.DefaultTarget != "" {
		n, err := strconv.Atoi(f.DefaultTarget)
		if err != nil {
			return fail(apperr.Field("default_target", "The default target must be a whole number."))
		}
		b.DefaultTarget = &n
	}
	if f.Capacity != "" {
		n, err := strconv.Atoi(f.Capacity)
		if err != nil {
			return fail(apperr.Field("capacity", "Capacity must be a whole number."))
		}
		b.Capacity = &n
	}
	if f.Due != "" {
		b.Due = &f.Due
	}
	if b.Anonymity, err = formAnonymity(f.Anonymity, f.MinGroup); err != nil {
		return fail(err)
	}
	a, err := s.createAssessment(c.UserContext(), p.OrgID, b)
	if err != nil {
		return fail(err)
	}
	return s.redirectFlash(c, fmt.Sprintf("/assessments/%d", a.ID), "success", "Round “"+a.Name+"” created. Now create the invitation links for the teams.")
}

// teamProgress is one team's line on the assessment page.
type teamProgress struct {
	models.Team
	store.Progress
	Pct  int
	Rate string // submitted responses against the team's headcount, when known
}

// assessmentPage shows a round: questionnaires, targets, progress per team
// and per invitation, and the forms that manage them.
func (s *Server) assessmentPage(c *fiber.Ctx) error {
	return s.renderAssessment(c, fiber.Map{})
}

func (s *Server) renderAssessment(c *fiber.Ctx, data fiber.Map) error {
	p := principalOf(c)
	a, invs, err := s.assessmentOf(c, p)
	if err != nil {
		return err
	}
	acc, err := s.accessOf(c)
	if err != nil {
		return err
	}
	var teams []teamProgress
	var inviteTeams []models.Team
	for _, t := range a.Teams {
		if acc.CanManage(t.ID) {
			inviteTeams = append(inviteTeams, t)
		}
		if !acc.CanSee(t.ID) {
			continue
		}
		var mine []store.InvitationStatus
		for _, inv := range invs {
			if inv.TeamID == t.ID {
				mine = append(mine, inv)
			}
		}
		tp := teamProgress{Team: t, Progress: progressOf(mine)}
		tp.Pct = models.Percent(tp.Submitted, tp.Invitations)
		tp.Rate = responseRate(tp.Submitted, t.Size)
		teams = append(teams, tp)
	}
	type invRow struct {
		store.InvitationStatus
		CanManage bool
		Pct       int
	}
	rows := make([]invRow, 0, len(invs))
	for _, inv := range invs {
		rows = append(rows, invRow{InvitationStatus: inv, CanManage: acc.CanManage(inv.TeamID), Pct: models.Percent(inv.Answered, inv.Total)})
	}
	type qRow struct {
		store.RoundQuestionnaire
		Dimensions []fiber.Map
	}
	qs, err := s.pinnedQuestionnaires(c.UserContext(), a.Questionnaires)
	if err != nil {
		return err
	}
	var qrows []qRow
	for i, rq := range a.Questionnaires {
		row := qRow{RoundQuestionnaire: rq}
		for _, d := range qs[i].Dimensions {
			t, ok := a.TargetMap[rq.Key+"/"+d.Key]
			if !ok {
				t = a.DefaultTarget
			}
			row.Dimensions = append(row.Dimensions, fiber.Map{"Title": d.Title, "Target": t, "Override": ok, "Name": qs[i].LevelName(t)})
		}
		qrows = append(qrows, row)
	}
	progress := progressOf(invs)
	data["Title"] = a.Name
	data["A"] = a
	data["Questionnaires"] = qrows
	data["TeamRows"] = teams
	data["Invitations"] = rows
	data["Progress"] = progress
	data["InviteTeams"] = inviteTeams
	data["MailOn"] = s.cfg.MailEnabled()
	data["CanAdmin"] = p.Role.AtLeast(models.RoleAdmin)
	data["CanLead"] = p.Role.AtLeast(models.RoleLeader)
	data["Open"] = a.Status == models.AssessmentOpen
	if err := s.addOpenLinkData(c, a, data); err != nil {
		return err
	}
	if p.Role.AtLeast(models.RoleAdmin) {
		if err := s.addManageData(c, a, data); err != nil {
			return err
		}
	}
	return s.render(c, "assessments/show", data)
}

func (s *Server) closeAssessment(c *fiber.Ctx) error {
	a, err := s.setStatus(c, s.closeRound)
	if err != nil {
		return err
	}
	return s.redirectFlash(c, fmt.Sprintf("/assessments/%d", a.ID), "success", "The round is closed. Links no longer accept answers.")
}

func (s *Server) reopenAssessment(c *fiber.Ctx) error {
	a, err := s.setStatus(c, s.store.ReopenAssessment)
	if err != nil {
		return err
	}
	return s.redirectFlash(c, fmt.Sprintf("/assessments/%d", a.ID), "success", "The round is open again. Links accept answers until you close it.")
}
