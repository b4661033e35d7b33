// Package report builds the assessment report, the document a platform
// leader sends to their CTO, from the stored results of a round, its
// questionnaires and its recommendations, and writes it as Markdown.
//
// It is pure: Build turns an Input into a Report model (no HTTP, no
// database, no clock), and the renderers only lay that model out. Every
// sentence of the report is plain text in the model; the Markdown renderer
// escapes it and the HTML templates let html/template do so.
//
// The report has, in order: an executive summary (the overall level of each
// questionnaire with the meaning of that level, the percent to target, the
// change since the previous round, the five largest gaps, the five first
// recommendations and a paragraph on confidence), the roadmap by phase (with
// the progress of the stored plan, when the roadmap workbook was imported),
// one section per dimension, the team breakdown and the method.
//
// Readings of the rules that the issue leaves open:
//   - The largest gaps are ranked by gap × dimension weight, highest first;
//     ties keep the order of the questionnaires in the round, then the order
//     of the dimensions in the questionnaire. Dimensions without a gap are
//     left out, so the list may hold fewer than five.
//   - The first recommendations are the first five by rank.
//   - Respondents are the submitted responses (one response covers every
//     questionnaire of the round); coverage is the share of participating
//     teams with at least one submitted response.
//   - The disagreement count is the number of (team, dimension) pairs whose
//     respondents are two or more levels apart.
//   - A team report shows the team's levels, gaps, blocking questions and
//     spread between its respondents, with the organization's level beside
//     them; its recommendations are the team's own roadmap.
package report

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gapmap/app/recommend"
	"gapmap/app/scoring"
	"gapmap/app/wording"
	"gapmap/models"
	"gapmap/questionnaires"
)

// Input is everything a report is built from.
type Input struct {
	OrgName    string
	Assessment models.Assessment
	// Team selects a team report; nil is the organization's report.
	Team *scoring.Team
	// Questionnaires and Results are aligned: Results[i] is the stored
	// result of Questionnaires[i], nil when it has not been computed.
	Questionnaires []*questionnaires.Questionnaire
	Results        []*scoring.Result
	// Previous is aligned with Results: the previous round's result of the
	// same questionnaire, or nil. PreviousName names that round.
	Previous     []*scoring.Result
	PreviousName string
	// Recommendations is the roadmap, in rank order (recommend.Build).
	Recommendations []recommend.Item
	// Capacity is the effort one phase holds (recommend.DefaultCapacity when
	// zero).
	Capacity int
	// Answers is aligned with Questionnaires and optional: how many answers
	// were given and how many of them were N/A.
	Answers []AnswerCount
	// Plan is the stored planning state of the recommendations (from the
	// roadmap workbook), keyed by PlanKey; optional.
	Plan map[string]PlanEntry
	// Generated is the date printed on the report.
	Generated time.Time
}

// Plan states, as stored by the roadmap import. An empty state reads as
// not started.
const (
	PlanNotStarted = "not_started"
	PlanInProgress = "in_progress"
	PlanDone       = "done"
	PlanWontDo     = "wont_do"
)

// PlanEntry is the planning state of one recommendation.
type PlanEntry struct {
	Owner   string
	Quarter string
	// State is one of the Plan constants or empty; Status is its label.
	State  string
	Status string
	Notes  string
}

// IsZero reports whether nothing is planned.
func (p PlanEntry) IsZero() bool { return p == PlanEntry{} }

// PlanKey is the key of a recommendation in Input.Plan.
func PlanKey(questionnaire, recommendation string) string {
	return questionnaire + "/" + recommendation
}

// AnswerCount counts the submitted answers of one questionnaire.
type AnswerCount struct {
	Total int
	NA    int
}

// Report is the built report model.
type Report struct {
	Title          string
	OrgName        string
	AssessmentID   int64
	AssessmentName string
	Status         string
	Started        time.Time
	Closed         *time.Time
	Generated      time.Time
	// Team is set on a team report.
	Team *TeamRef

	Summary Summary
	Roadmap []Phase
	// Planned is true when at least one recommendation of the roadmap has a
	// stored plan (owner, quarter, status or notes).
	Planned        bool
	Questionnaires []QuestionnaireSection
	Breakdown      []Breakdown
	Method         Method
}

// TeamRef names the team of a team report.
type TeamRef struct {
	ID   int64
	Name string
}

// Summary is the executive summary.
type Summary struct {
	Overall []OverallLine
	// PreviousName names the round the changes compare with ("" if none).
	PreviousName string
	Gaps         []GapLine
	FirstSteps   []Rec
	Confidence   Confidence
	// Plan says in one sentence what the roadmap holds.
	Plan string
}

// OverallLine is one questionnaire's overall result.
type OverallLine struct {
	Questionnaire string
	Title         string
	Scale         string
	MaxLevel      int
	Level         *int
	LevelName     string
	// Meaning is the description of the level in the questionnaire.
	Meaning         string
	Score           *float64
	PercentToTarget *float64
	Change          *Change
	// Class is the CSS class of the level's colour (lvl-1..lvl-5, lvl-na).
	Class string
	// Computed is false when the questionnaire has no stored result yet.
	Computed bool
}

// Change is the difference with the previous round.
type Change struct {
	Level           int
	Score           float64
	PercentToTarget *float64
}

// GapLine is one dimension among the largest gaps.
type GapLine struct {
	Questionnaire      string
	QuestionnaireTitle string
	Dimension          string
	DimensionTitle     string
	Level              int
	LevelName          string
	Target             int
	Gap                int
	Weight             float64
	Weighted           float64
	Class              string // CSS class of the level's colour
}

// Confidence is how far the numbers can be trusted, with the figures it is
// built from.
type Confidence struct {
	// Rating is "high", "moderate" or "low".
	Rating        string
	Respondents   int
	Teams         int // participating teams
	Responding    int // teams with at least one submitted response
	NAShare       *float64
	Disagreements int
	// Paragraph is the plain-language paragraph of the summary.
	Paragraph string
}

// Phase is one phase of the roadmap.
type Phase struct {
	Key    string // recommend.PhaseNow, ...
	Title  string // Now, Next, Later
	Effort int
	// Capacity is the effort the phase holds; 0 for Later.
	Capacity int
	Items    []Rec
	// The plan's progress: items by state (no state counts as not started).
	Done, InProgress, NotStarted, WontDo int
}

// QuestionnaireSection holds the dimension sections of one questionnaire.
type QuestionnaireSection struct {
	Key        string
	Title      string
	Scale      string
	Computed   bool
	Dimensions []DimensionSection
}

// LevelInfo is one level with its name and description.
type LevelInfo struct {
	Level       int
	Name        string
	Description string
}

// DimensionSection is everything the report says about one dimension.
type DimensionSection struct {
	Questionnaire string
	Key           string
	Title         string
	Description   string
	Weight        float64
	Scale         string
	Levels        int    // N, the top level of the scale
	Class         string // CSS class of the level's colour
	// Current is nil when the dimension has no level (nobody answered it).
	Current *LevelInfo
	Score   *float64
	Target  int
	Gap     *int
	// TargetLevel describes the target level.
	TargetLevel LevelInfo
	// Next is the level above the current one, nil at the top or without
	// a level.
	Next *LevelInfo
	// Previous and Change compare with the previous round (organization).
	Previous *scoring.Trend
	Change   *scoring.Trend

	Blocking []BlockingQuestion
	Spread   Spread

	Recommendations []Rec
	// Where is the sentence on the current level; NextText the one on the
	// next level; BlockingText introduces the blocking questions.
	Where        string
	NextText     string
	BlockingText string
}

// BlockingQuestion is a question that keeps the level down.
type BlockingQuestion struct {
	Key  string
	Text string
	// Teams is, on the organization's report, how many teams it blocks.
	Teams int
	// Level is, on a team report, the lowest answer's level.
	Level     int
	LevelName string
}

// Spread describes how far apart the teams (organization report) or the
// respondents (team report) are in one dimension.
type Spread struct {
	Distribution scoring.Distribution
	Teams        int // teams with a level
	// ByLevel counts the teams at each level 1..N (organization report).
	ByLevel []LevelCount
	// Disputed lists the teams whose respondents disagree (organization
	// report).
	Disputed []string
	// Respondents, RespondentSpread and Disagreement describe the team on a
	// team report; OrgLevel is the organization's level beside it.
	Respondents      int
	RespondentSpread *int
	Disagreement     bool
	OrgLevel         *int
	// Text says it in one or two sentences.
	Text string
}

// LevelCount is a number of teams at one level.
type LevelCount struct {
	Level int
	Name  string
	Teams int
}

// Breakdown is the table of teams × dimensions of one questionnaire.
type Breakdown struct {
	Questionnaire string
	Title         string
	Columns       []Column
	Rows          []BreakdownRow
}

// Column is one dimension of the breakdown.
type Column struct {
	Key    string
	Title  string
	Target int
}

// BreakdownRow is one team (or the organization) across the dimensions.
type BreakdownRow struct {
	Name         string
	TeamID       int64 // 0 on the organization's row
	Organization bool
	Respondents  int // -1: not known (the organization's row of a team report)
	Overall      *int
	OverallClass string
	Cells        []Cell
}

// Cell is one team's level and gap in one dimension.
type Cell struct {
	Level        *int
	Gap          *int
	Disagreement bool
	Class        string // CSS class of the level's colour
}

// Text is the cell as read in a table: "2 (gap 1)", "3", "—". Disagreement
// is left to the renderer to mark.
func (c Cell) Text() string {
	if c.Level == nil {
		return "—"
	}
	s := strconv.Itoa(*c.Level)
	if c.Gap != nil && *c.Gap > 0 {
		s += " (gap " + strconv.Itoa(*c.Gap) + ")"
	}
	return s
}

// Method documents how the numbers were computed.
type Method struct {
	Paragraphs     []string
	Questionnaires []MethodQuestionnaire
	DefaultTarget  int
	Capacity       int
	Generated      time.Time
}

// MethodQuestionnaire is one questionnaire version used by the round.
type MethodQuestionnaire struct {
	Key        string
	Title      string
	Version    string
	Hash       string
	Scale      string
	PassRatio  float64
	Levels     int
	Dimensions []MethodDimension
}

// MethodDimension is the weight and target of one dimension.
type MethodDimension struct {
	Key    string
	Title  string
	Weight float64
	Target int
}

// Phase titles in order.
var phaseOrder = []struct{ key, title string }{
	{recommend.PhaseNow, "Now"},
	{recommend.PhaseNext, "Next"},
	{recommend.PhaseLater, "Later"},
}

const (
	maxGaps  = 5
	maxSteps = 5
)

// Build builds the report model. It fails only on inconsistent input.
func Build(in Input) (*Report, error) {
	if len(in.Results) != len(in.Questionnaires) {
		return nil, fmt.Errorf("build report: %d results for %d questionnaires", len(in.Results), len(in.Questionnaires))
	}
	if in.Previous != nil && len(in.Previous) != len(in.Questionnaires) {
		return nil, fmt.Errorf("build report: %d previous results for %d questionnaires", len(in.Previous), len(in.Questionnaires))
	}
	if in.Answers != nil && len(in.Answers) != len(in.Questionnaires) {
		return nil, fmt.Errorf("build report: %d answer counts for %d questionnaires", len(in.Answers), len(in.Questionnaires))
	}
	for i, q := range in.Questionnaires {
		if q == nil {
			return nil, errors.New("build report: nil questionnaire")
		}
		if r := in.Results[i]; r != nil && r.Key != q.Key {
			return nil, fmt.Errorf("build report: result %q does not belong to questionnaire %q", r.Key, q.Key)
		}
	}
	if in.Capacity <= 0 {
		in.Capacity = recommend.DefaultCapacity
	}
	b := &builder{in: in}
	return b.build(), nil
}

type builder struct {
	in Input
}

func (b *builder) build() *Report {
	in := b.in
	a := in.Assessment
	r := &Report{
		OrgName:        in.OrgName,
		AssessmentID:   a.ID,
		AssessmentName: a.Name,
		Status:         a.Status,
		Started:        a.CreatedAt,
		Closed:         a.ClosedAt,
		Generated:      in.Generated,
		Title:          "Platform maturity report: " + a.Name,
	}
	if in.Team != nil {
		r.Team = &TeamRef{ID: in.Team.ID, Name: in.Team.Name}
		r.Title += " — " + in.Team.Name
	}
	r.Roadmap = b.roadmap()
	for _, ph := range r.Roadmap {
		for _, it := range ph.Items {
			if !it.Plan.IsZero() {
				r.Planned = true
			}
		}
	}
	for i, q := range in.Questionnaires {
		r.Questionnaires = append(r.Questionnaires, b.questionnaireSection(i, q))
		if bd, ok := b.breakdown(i, q); ok {
			r.Breakdown = append(r.Breakdown, bd)
		}
	}
	r.Summary = b.summary(r)
	r.Method = b.method()
	return r
}

// teamOf returns the report's team in a result, or nil.
func (b *builder) teamOf(res *scoring.Result) *scoring.TeamResult {
	if b.in.Team == nil || res == nil {
		return nil
	}
	for i := range res.Teams {
		if res.Teams[i].ID == b.in.Team.ID {
			return &res.Teams[i]
		}
	}
	return nil
}

func levelInfo(q *questionnaires.Questionnaire, level int) LevelInfo {
	for _, l := range q.Levels {
		if l.Level == level {
			return LevelInfo{Level: l.Level, Name: l.Name, Description: l.Description}
		}
	}
	return LevelInfo{Level: level}
}

func dimWeight(q *questionnaires.Questionnaire, d *questionnaires.Dimension, od *scoring.DimensionResult) float64 {
	if od != nil && od.Weight > 0 && !math.IsInf(od.Weight, 0) {
		return od.Weight
	}
	if d.Weight > 0 && !math.IsInf(d.Weight, 0) {
		return d.Weight
	}
	return 1
}

// overall returns the overall summary the report is about (team or
// organization) in a result.
func (b *builder) overall(res *scoring.Result) *scoring.Overall {
	if res == nil {
		return nil
	}
	if b.in.Team != nil {
		if t := b.teamOf(res); t != nil {
			return &t.Overall
		}
		return nil
	}
	return &res.Overall
}

func (b *builder) previous(i int) *scoring.Result {
	if b.in.Previous == nil {
		return nil
	}
	return b.in.Previous[i]
}

func (b *builder) summary(r *Report) Summary {
	s := Summary{}
	anyPrev := false
	for i, q := range b.in.Questionnaires {
		res := b.in.Results[i]
		line := OverallLine{Questionnaire: q.Key, Title: q.Title, Scale: q.Scale, MaxLevel: len(q.Levels), Computed: res != nil}
		if ov := b.overall(res); ov != nil {
			line.Level, line.Score, line.PercentToTarget = ov.Level, ov.Score, ov.PercentToTarget
			line.Class = questionnaires.LevelClass(ov.Level, len(q.Levels))
			if ov.Level != nil {
				li := levelInfo(q, *ov.Level)
				line.LevelName, line.Meaning = li.Name, li.Description
			}
			if pov := b.overall(b.previous(i)); pov != nil && pov.Level != nil && ov.Level != nil {
				anyPrev = true
				ch := &Change{Level: *ov.Level - *pov.Level}
				if ov.Score != nil && pov.Score != nil {
					ch.Score = roundScore(q.Scale, *ov.Score-*pov.Score)
				}
				if ov.PercentToTarget != nil && pov.PercentToTarget != nil {
					d := math.Round((*ov.PercentToTarget-*pov.PercentToTarget)*10) / 10
					ch.PercentToTarget = &d
				}
				line.Change = ch
			}
		}
		s.Overall = append(s.Overall, line)
	}
	if anyPrev {
		s.PreviousName = b.in.PreviousName
		if s.PreviousName == "" {
			s.PreviousName = "the previous round"
		}
	}
	s.Gaps = b.largestGaps(r)
	for _, it := range b.in.Recommendations[:min(maxSteps, len(b.in.Recommendations))] {
		s.FirstSteps = append(s.FirstSteps, b.rec(it))
	}
	s.Confidence = b.confidence()
	s.Plan = planSentence(r.Roadmap, b.in.Capacity)
	return s
}

func roundScore(scale string, v float64) float64 {
	p := 100.0
	if scale == questionnaires.ScaleLikert {
		p = 10
	}
	return math.Round(v*p) / p
}

func (b *builder) largestGaps(r *Report) []GapLine {
	var gaps []GapLine
	for qi, sec := range r.Questionnaires {
		q := b.in.Questionnaires[qi]
		for _, d := range sec.Dimensions {
			if d.Gap == nil || *d.Gap <= 0 || d.Current == nil {
				continue
			}
			gaps = append(gaps, GapLine{
				Questionnaire: q.Key, QuestionnaireTitle: q.Title,
				Dimension: d.Key, DimensionTitle: d.Title,
				Level: d.Current.Level, LevelName: d.Current.Name,
				Target: d.Target, Gap: *d.Gap, Weight: d.Weight,
				Weighted: math.Round(float64(*d.Gap)*d.Weight*1000) / 1000,
				Class:    d.Class,
			})
		}
	}
	// Stable: ties keep questionnaire, then dimension order.
	slices.SortStableFunc(gaps, func(x, y GapLine) int { return cmp.Compare(y.Weighted, x.Weighted) })
	if len(gaps) > maxGaps {
		gaps = gaps[:maxGaps]
	}
	return gaps
}

func (b *builder) confidence() Confidence {
	c := Confidence{}
	respondents := map[int64]int{}
	teams := map[int64]bool{}
	for _, res := range b.in.Results {
		if res == nil {
			continue
		}
		for _, t := range res.Teams {
			if b.in.Team != nil && t.ID != b.in.Team.ID {
				continue
			}
			teams[t.ID] = true
			respondents[t.ID] = max(respondents[t.ID], t.Respondents)
			for _, d := range t.Dimensions {
				if d.Disagreement != nil && *d.Disagreement {
					c.Disagreements++
				}
			}
		}
	}
	c.Teams = len(teams)
	for _, n := range respondents {
		c.Respondents += n
		if n > 0 {
			c.Responding++
		}
	}
	if b.in.Answers != nil {
		total, na := 0, 0
		for _, a := range b.in.Answers {
			total += a.Total
			na += a.NA
		}
		if total > 0 {
			v := math.Round(float64(na)/float64(total)*1000) / 10
			c.NAShare = &v
		}
	}
	c.Rating = rating(c)
	c.Paragraph = b.confidenceParagraph(c)
	return c
}

// rating grades confidence: high with at least 80% of teams responding, two
// respondents per responding team on average and at most 20% N/A; low
// below half of the teams, one respondent per team on average, or more
// than 40% N/A; moderate otherwise.
func rating(c Confidence) string {
	if c.Responding == 0 {
		return "low"
	}
	coverage := float64(c.Responding) / float64(max(c.Teams, 1))
	perTeam := float64(c.Respondents) / float64(c.Responding)
	na := 0.0
	if c.NAShare != nil {
		na = *c.NAShare
	}
	switch {
	case coverage < 0.5 || perTeam < 1.5 || na > 40:
		return "low"
	case coverage >= 0.8 && perTeam >= 2 && na <= 20:
		return "high"
	}
	return "moderate"
}

func (b *builder) confidenceParagraph(c Confidence) string {
	var sb strings.Builder
	if b.in.Team != nil {
		fmt.Fprintf(&sb, "%s of %s answered.", countNoun(c.Respondents, "person", "people"), b.in.Team.Name)
	} else {
		pct := 0.0
		if c.Teams > 0 {
			pct = 100 * float64(c.Responding) / float64(c.Teams)
		}
		fmt.Fprintf(&sb, "%s answered, from %d of %d participating teams (coverage %s%%).",
			countNoun(c.Respondents, "person", "people"), c.Responding, c.Teams, formatNumber(math.Round(pct*10)/10))
	}
	if c.NAShare != nil {
		fmt.Fprintf(&sb, " %s%% of the answers were N/A, and N/A answers are left out of every level.", formatNumber(*c.NAShare))
	}
	switch {
	case c.Disagreements == 0 && b.in.Team != nil:
		sb.WriteString(" The respondents agree within one level in every dimension.")
	case c.Disagreements == 0:
		sb.WriteString(" In every team, the respondents agree within one level in every dimension.")
	case b.in.Team != nil:
		fmt.Fprintf(&sb, " In %s the respondents are two or more levels apart, so the team level there is a compromise worth discussing.",
			countNoun(c.Disagreements, "dimension", "dimensions"))
	default:
		fmt.Fprintf(&sb, " In %s (a team in a dimension), respondents of the same team are two or more levels apart, so those team levels are a compromise worth discussing.",
			countNoun(c.Disagreements, "place", "places"))
	}
	switch {
	case b.in.Team != nil && c.Rating == "high":
		sb.WriteString(" Confidence is high: more than one voice stands behind the team's levels.")
	case b.in.Team != nil && c.Rating == "moderate":
		sb.WriteString(" Confidence is moderate: check the levels with the team before acting on them.")
	case b.in.Team != nil:
		sb.WriteString(" Confidence is low: one voice, or many N/A answers, stand behind these levels, so ask more of the team to answer before deciding.")
	case c.Rating == "high":
		sb.WriteString(" Confidence is high: the picture rests on most teams and on more than one voice per team.")
	case c.Rating == "moderate":
		sb.WriteString(" Confidence is moderate: read the levels as a good indication, and confirm the largest gaps with the teams before committing budget.")
	default:
		sb.WriteString(" Confidence is low: too few teams or respondents stand behind these numbers, so treat them as a first sketch and widen the survey before deciding.")
	}
	return sb.String()
}

func countNoun(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func (b *builder) roadmap() []Phase {
	phases := make([]Phase, len(phaseOrder))
	for i, p := range phaseOrder {
		phases[i] = Phase{Key: p.key, Title: p.title}
		if p.key != recommend.PhaseLater {
			phases[i].Capacity = b.in.Capacity
		}
	}
	for _, it := range b.in.Recommendations {
		for i := range phases {
			ph := &phases[i]
			if ph.Key != it.Phase {
				continue
			}
			r := b.rec(it)
			ph.Items = append(ph.Items, r)
			ph.Effort += it.Effort
			switch r.Plan.State {
			case PlanDone:
				ph.Done++
			case PlanInProgress:
				ph.InProgress++
			case PlanWontDo:
				ph.WontDo++
			default:
				ph.NotStarted++
			}
		}
	}
	return phases
}

func (b *builder) rec(it recommend.Item) Rec {
	return Rec{Item: it, Plan: b.in.Plan[PlanKey(it.Questionnaire, it.Key)]}
}

func planSentence(phases []Phase, capacity int) string {
	total := 0
	for _, p := range phases {
		total += len(p.Items)
	}
	if total == 0 {
		return "No dimension is below its target, so there is nothing to recommend."
	}
	parts := make([]string, 0, len(phases))
	for _, p := range phases {
		parts = append(parts, fmt.Sprintf("%d in %s", len(p.Items), p.Title))
	}
	return fmt.Sprintf("The roadmap holds %s: %s, with an effort of at most %d per phase.",
		countNoun(total, "recommendation", "recommendations"), strings.Join(parts, ", "), capacity)
}

func (b *builder) questionnaireSection(i int, q *questionnaires.Questionnaire) QuestionnaireSection {
	res := b.in.Results[i]
	sec := QuestionnaireSection{Key: q.Key, Title: q.Title, Scale: q.Scale, Computed: res != nil}
	if res == nil {
		return sec
	}
	team := b.teamOf(res)
	for di := range q.Dimensions {
		sec.Dimensions = append(sec.Dimensions, b.dimensionSection(q, &q.Dimensions[di], res, team))
	}
	return sec
}

func (b *builder) dimensionSection(q *questionnaires.Questionnaire, d *questionnaires.Dimension, res *scoring.Result, team *scoring.TeamResult) DimensionSection {
	od := res.Dimension(d.Key)
	ds := DimensionSection{
		Questionnaire: q.Key, Key: d.Key, Title: d.Title, Description: d.Description,
		Weight: dimWeight(q, d, od), Scale: q.Scale, Levels: len(q.Levels),
	}
	if ds.Title == "" {
		ds.Title = d.Key
	}
	var level *int
	if b.in.Team != nil {
		if td := team.Dimension(d.Key); td != nil {
			level, ds.Score, ds.Target, ds.Gap = td.Level, td.Score, td.Target, td.Gap
			for _, bq := range td.Blocking {
				ds.Blocking = append(ds.Blocking, BlockingQuestion{
					Key: bq.Question, Text: questionText(q, bq.Question),
					Level: bq.Level, LevelName: q.LevelName(bq.Level),
				})
			}
			ds.Spread = Spread{Respondents: td.Respondents, RespondentSpread: td.Spread,
				Disagreement: td.Disagreement != nil && *td.Disagreement}
		} else if od != nil {
			ds.Target = od.Target
		}
		if od != nil {
			ds.Spread.OrgLevel = od.Level
			ds.Spread.Distribution = od.Distribution
			ds.Spread.Teams = od.Teams
		}
	} else if od != nil {
		level, ds.Score, ds.Target, ds.Gap = od.Level, od.Score, od.Target, od.Gap
		ds.Previous, ds.Change = od.Previous, od.Change
		for _, bq := range od.Blocking {
			ds.Blocking = append(ds.Blocking, BlockingQuestion{Key: bq.Question, Text: questionText(q, bq.Question), Teams: bq.Teams})
		}
		ds.Spread = b.orgSpread(q, d.Key, res, od)
	}
	if ds.Target > 0 {
		ds.TargetLevel = levelInfo(q, ds.Target)
	}
	ds.Class = questionnaires.LevelClass(level, len(q.Levels))
	if level != nil {
		li := levelInfo(q, *level)
		ds.Current = &li
		if *level < len(q.Levels) {
			next := levelInfo(q, *level+1)
			ds.Next = &next
		}
	}
	for _, it := range b.in.Recommendations {
		if it.Questionnaire == q.Key && it.Dimension == d.Key {
			ds.Recommendations = append(ds.Recommendations, b.rec(it))
		}
	}
	b.dimensionText(q, &ds)
	return ds
}

func questionText(q *questionnaires.Questionnaire, key string) string {
	if _, qu, ok := q.Question(key); ok && qu.Text != "" {
		return qu.Text
	}
	return key
}

func (b *builder) orgSpread(q *questionnaires.Questionnaire, key string, res *scoring.Result, od *scoring.DimensionResult) Spread {
	sp := Spread{Distribution: od.Distribution, Teams: od.Teams}
	counts := make([]int, len(q.Levels)+1)
	for _, t := range res.Teams {
		td := t.Dimension(key)
		if td == nil {
			continue
		}
		if td.Level != nil && *td.Level >= 1 && *td.Level <= len(q.Levels) {
			counts[*td.Level]++
		}
		if td.Disagreement != nil && *td.Disagreement {
			sp.Disputed = append(sp.Disputed, t.Name)
		}
	}
	for l := 1; l <= len(q.Levels); l++ {
		if counts[l] > 0 {
			sp.ByLevel = append(sp.ByLevel, LevelCount{Level: l, Name: q.LevelName(l), Teams: counts[l]})
		}
	}
	return sp
}

func (b *builder) dimensionText(q *questionnaires.Questionnaire, ds *DimensionSection) {
	switch {
	case ds.Current == nil && b.in.Team != nil:
		ds.Where = fmt.Sprintf("%s has no level here: no respondent of the team answered this dimension (all answers N/A, or no submitted response).", b.in.Team.Name)
	case ds.Current == nil:
		ds.Where = "No team has a level here: every answer was N/A, or nobody has submitted yet."
	default:
		var sb strings.Builder
		fmt.Fprintf(&sb, "Level %d%s", ds.Current.Level, nameSuffix(ds.Current.Name))
		if ds.Score != nil {
			fmt.Fprintf(&sb, " with a score of %s", ScoreText(q.Scale, len(q.Levels), ds.Score))
		}
		switch {
		case ds.Gap != nil && *ds.Gap > 0:
			fmt.Fprintf(&sb, ": %s below the target of %d%s.", countNoun(*ds.Gap, "level", "levels"), ds.Target, nameSuffix(ds.TargetLevel.Name))
		case ds.Current.Level > ds.Target:
			fmt.Fprintf(&sb, ": above the target of %d.", ds.Target)
		default:
			fmt.Fprintf(&sb, ": at the target of %d.", ds.Target)
		}
		if ds.Change != nil {
			fmt.Fprintf(&sb, " Since the previous round: %s.", changeText(ds.Change.Level, ds.Change.Score, q.Scale))
		}
		if ds.Current.Description != "" {
			sb.WriteString(" At this level: ")
			sb.WriteString(ds.Current.Description)
		}
		ds.Where = sb.String()
	}
	switch {
	case ds.Next != nil:
		ds.NextText = fmt.Sprintf("Level %d%s: %s", ds.Next.Level, nameSuffix(ds.Next.Name), ds.Next.Description)
	case ds.Current != nil:
		ds.NextText = "This is the top level of the scale."
	}
	switch {
	case len(ds.Blocking) == 0 && ds.Current != nil && ds.Next != nil:
		ds.BlockingText = "No single question stands out as blocking."
	case len(ds.Blocking) == 0:
		ds.BlockingText = ""
	case b.in.Team != nil:
		ds.BlockingText = fmt.Sprintf("These questions were answered below level %d and keep the team from reaching it (lowest answer first):", ds.Current.Level+1)
	default:
		ds.BlockingText = "These questions hold the most teams below their next level:"
	}
	ds.Spread.Text = b.spreadText(q, ds)
}

func (b *builder) spreadText(q *questionnaires.Questionnaire, ds *DimensionSection) string {
	sp := ds.Spread
	if b.in.Team != nil {
		var sb strings.Builder
		if ds.Current == nil {
			sb.WriteString("No respondent of the team has a level here.")
		} else {
			fmt.Fprintf(&sb, "%s of the team %s a level here", countNoun(sp.Respondents, "respondent", "respondents"), wording.Plural(sp.Respondents, "has", "have"))
			switch {
			case sp.RespondentSpread == nil || sp.Respondents < 2:
			case *sp.RespondentSpread == 0:
				sb.WriteString(" and they agree on it")
			default:
				fmt.Fprintf(&sb, "; they are %s apart", countNoun(*sp.RespondentSpread, "level", "levels"))
			}
			if sp.Disagreement {
				sb.WriteString(", which counts as disagreement")
			}
			sb.WriteString(".")
		}
		if sp.OrgLevel != nil {
			fmt.Fprintf(&sb, " The organization is at level %d%s", *sp.OrgLevel, nameSuffix(q.LevelName(*sp.OrgLevel)))
			if r := rangeText(sp.Distribution); r != "" {
				fmt.Fprintf(&sb, ", with teams ranging %s", r)
			}
			sb.WriteString(".")
		}
		return sb.String()
	}
	if sp.Teams == 0 {
		return "No team has a level in this dimension."
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s a level here", countNoun(sp.Teams, "team", "teams"), wording.Plural(sp.Teams, "has", "have"))
	if r := rangeText(sp.Distribution); r != "" {
		fmt.Fprintf(&sb, ", ranging %s", r)
	}
	if d := sp.Distribution; d.P25 != nil && d.Median != nil && d.P75 != nil {
		fmt.Fprintf(&sb, " (quartiles %d, %d, %d)", *d.P25, *d.Median, *d.P75)
	}
	sb.WriteString(".")
	if len(sp.ByLevel) > 0 {
		parts := make([]string, len(sp.ByLevel))
		for i, lc := range sp.ByLevel {
			parts[i] = fmt.Sprintf("%d at level %d", lc.Teams, lc.Level)
		}
		fmt.Fprintf(&sb, " By level: %s.", strings.Join(parts, ", "))
	}
	if len(sp.Disputed) > 0 {
		fmt.Fprintf(&sb, " Respondents disagree by two levels or more in %s: %s.",
			countNoun(len(sp.Disputed), "team", "teams"), strings.Join(sp.Disputed, ", "))
	}
	return sb.String()
}

func rangeText(d scoring.Distribution) string {
	if d.Min == nil || d.Max == nil {
		return ""
	}
	if *d.Min == *d.Max {
		return fmt.Sprintf("all at level %d", *d.Min)
	}
	return fmt.Sprintf("from level %d to level %d", *d.Min, *d.Max)
}

func nameSuffix(name string) string {
	if name == "" {
		return ""
	}
	return " (" + name + ")"
}

func (b *builder) breakdown(i int, q *questionnaires.Questionnaire) (Breakdown, bool) {
	res := b.in.Results[i]
	if res == nil {
		return Breakdown{}, false
	}
	bd := Breakdown{Questionnaire: q.Key, Title: q.Title}
	for _, d := range q.Dimensions {
		col := Column{Key: d.Key, Title: d.Title}
		if col.Title == "" {
			col.Title = d.Key
		}
		if od := res.Dimension(d.Key); od != nil {
			col.Target = od.Target
		}
		bd.Columns = append(bd.Columns, col)
	}
	for _, t := range res.Teams {
		if b.in.Team != nil && t.ID != b.in.Team.ID {
			continue
		}
		row := BreakdownRow{Name: t.Name, TeamID: t.ID, Respondents: t.Respondents, Overall: t.Overall.Level,
			OverallClass: questionnaires.LevelClass(t.Overall.Level, len(q.Levels))}
		for _, col := range bd.Columns {
			c := Cell{}
			if td := t.Dimension(col.Key); td != nil {
				c.Level, c.Gap = td.Level, td.Gap
				c.Disagreement = td.Disagreement != nil && *td.Disagreement
			}
			c.Class = questionnaires.LevelClass(c.Level, len(q.Levels))
			row.Cells = append(row.Cells, c)
		}
		bd.Rows = append(bd.Rows, row)
	}
	org := BreakdownRow{Name: "Organization", Organization: true, Overall: res.Overall.Level,
		OverallClass: questionnaires.LevelClass(res.Overall.Level, len(q.Levels))}
	if b.in.Team != nil {
		// A team's results may come without the other teams.
		org.Respondents = -1
	} else {
		for _, t := range res.Teams {
			org.Respondents += t.Respondents
		}
	}
	for _, col := range bd.Columns {
		c := Cell{}
		if od := res.Dimension(col.Key); od != nil {
			c.Level, c.Gap = od.Level, od.Gap
		}
		c.Class = questionnaires.LevelClass(c.Level, len(q.Levels))
		org.Cells = append(org.Cells, c)
	}
	bd.Rows = append(bd.Rows, org)
	return bd, true
}

func (b *builder) method() Method {
	in := b.in
	m := Method{DefaultTarget: in.Assessment.DefaultTarget, Capacity: in.Capacity, Generated: in.Generated}
	likert, level := false, false
	for i, q := range in.Questionnaires {
		mq := MethodQuestionnaire{Key: q.Key, Title: q.Title, Version: q.Version, Hash: q.Hash,
			Scale: q.Scale, PassRatio: q.PassRatio, Levels: len(q.Levels)}
		if mq.PassRatio == 0 {
			mq.PassRatio = 0.75
		}
		switch q.Scale {
		case questionnaires.ScaleLikert:
			likert = true
		default:
			level = true
		}
		for di := range q.Dimensions {
			d := &q.Dimensions[di]
			od := in.Results[i].Dimension(d.Key)
			md := MethodDimension{Key: d.Key, Title: d.Title, Weight: dimWeight(q, d, od), Target: in.Assessment.DefaultTarget}
			if od != nil {
				md.Target = od.Target
			}
			mq.Dimensions = append(mq.Dimensions, md)
		}
		m.Questionnaires = append(m.Questionnaires, mq)
	}
	var ps []string
	ps = append(ps, "Only submitted responses count, and N/A answers are left out of every figure.")
	if level {
		ps = append(ps, "On a questionnaire with a level scale, every answer picks a described practice that sits on one level. "+
			"A respondent reaches level L in a dimension when the answers at level L or above carry at least the pass ratio of the dimension's question weight; "+
			"the respondent's level is the highest such L. The score is the weighted mean of the answered levels.")
	}
	if likert {
		ps = append(ps, "On a questionnaire with an agreement scale, answers run from 1 (strongly disagree) to 5 (strongly agree); "+
			"statements worded against maturity are reversed first. The weighted mean agreement becomes a score from 0 to 100, "+
			"and the score is cut into as many equal bands as there are levels.")
	}
	ps = append(ps,
		"A team's level in a dimension is the lower median of its respondents' levels, and the spread is the distance between its highest and lowest respondent; "+
			"a spread of two levels or more is reported as disagreement. "+
			"The organization's level is the lower median of the team levels, so each team counts once whatever its size. "+
			"Overall levels are the weighted mean of the dimension levels, rounded down.",
		fmt.Sprintf("Every dimension has a target: the round's default target of %d unless the round sets another for it. "+
			"The gap is the target minus the level, never below zero. "+
			"Percent to target is 100 × (1 − sum of gaps ÷ sum of targets) over the dimensions that have a level.", in.Assessment.DefaultTarget),
		"A questionnaire recommendation is considered when it leads a dimension from its current level toward the target. "+
			"Its priority is gap × dimension weight × impact ÷ effort, halved for every level it lies beyond the next one. "+
			fmt.Sprintf("The roadmap takes recommendations in priority order into Now and then Next, each phase holding an effort of %d, ", in.Capacity)+
			"and never places one before a recommendation it requires or before an earlier step of the same dimension; the rest waits in Later. "+
			"Impact 3 for effort 1 is flagged as a quick win.",
		"Blocking questions are those answered below the next level; for the organization, the questions that hold back the most teams are listed.",
	)
	m.Paragraphs = ps
	return m
}

// formatNumber writes a number with at most three decimals and no trailing
// zeros.
func formatNumber(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}

// ScoreText formats a score on its scale: "2.41 of 5" or "63.5 of 100".
func ScoreText(scale string, levels int, v *float64) string {
	if v == nil {
		return "—"
	}
	if scale == questionnaires.ScaleLikert {
		return strconv.FormatFloat(*v, 'f', 1, 64) + " of 100"
	}
	return strconv.FormatFloat(*v, 'f', 2, 64) + " of " + strconv.Itoa(levels)
}

func changeText(level int, score float64, scale string) string {
	decimals := 2
	if scale == questionnaires.ScaleLikert {
		decimals = 1
	}
	return fmt.Sprintf("%s, score %s", signedLevels(level), signedFloat(score, decimals))
}

func signedLevels(n int) string {
	switch {
	case n == 0:
		return "same level"
	case n > 0:
		return "+" + countNoun(n, "level", "levels")
	}
	return "−" + countNoun(-n, "level", "levels")
}

func signedFloat(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	if math.Abs(v) < math.Pow(10, -float64(decimals))/2 {
		return "±" + strconv.FormatFloat(0, 'f', decimals, 64)
	}
	if v > 0 {
		return "+" + s
	}
	return "−" + s
}
