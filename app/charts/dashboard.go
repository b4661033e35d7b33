package charts

import (
	"fmt"

	"gapmap/app/scoring"
	"gapmap/app/wording"
	"gapmap/questionnaires"
)

// Headline is the summary of one questionnaire's result in a round, for the
// organization or one team.
type Headline struct {
	Key             string
	Title           string
	Likert          bool
	Levels          int // N, the number of levels of the scale
	Level           *int
	LevelName       string
	Score           *float64
	PercentToTarget *float64
	Respondents     int // submitted responses
	Teams           int // teams with at least one submitted response
	TeamsTotal      int // participating teams
	PreviousRound   string
	Team            bool     // one team's headline rather than the organization's
	LevelChange     *int     // against the previous round's overall level
	ScoreChange     *float64 // against the previous round's overall score
	// Withheld says what an anonymous round's figures leave out or merge
	// (wording.OrgWithout), or is empty.
	Withheld string
}

// NewHeadline summarizes r; prev is the previous round's result of the same
// questionnaire (nil when there is none) and prevName that round's name.
func NewHeadline(q *questionnaires.Questionnaire, r *scoring.Result, prev *scoring.Result, prevName string) Headline {
	h := Headline{Key: q.Key, Title: q.Title, Likert: q.Scale == questionnaires.ScaleLikert, Levels: len(q.Levels)}
	if r == nil {
		return h
	}
	h.fill(r.Overall)
	h.TeamsTotal = len(r.Teams)
	if w := r.Withholding; w != nil {
		h.Withheld = wording.OrgWithout(w.Teams, w.Respondents, w.MinGroup, w.Excluded)
	}
	for _, t := range r.Teams {
		h.Respondents += t.Respondents
		if t.Respondents > 0 {
			h.Teams++
		}
	}
	if prev != nil {
		h.compare(prev.Overall, prevName)
	}
	return h
}

// NewTeamHeadline summarizes one team's result.
func NewTeamHeadline(q *questionnaires.Questionnaire, t *scoring.TeamResult, prev *scoring.TeamResult, prevName string) Headline {
	h := Headline{Key: q.Key, Title: q.Title, Likert: q.Scale == questionnaires.ScaleLikert, Levels: len(q.Levels), Team: true, TeamsTotal: 1, Respondents: t.Respondents}
	h.fill(t.Overall)
	if t.Respondents > 0 {
		h.Teams = 1
	}
	if prev != nil {
		h.compare(prev.Overall, prevName)
	}
	return h
}

func (h *Headline) fill(o scoring.Overall) {
	h.Level, h.Score, h.PercentToTarget = o.Level, o.Score, o.PercentToTarget
	if o.LevelName != nil {
		h.LevelName = *o.LevelName
	}
}

func (h *Headline) compare(p scoring.Overall, name string) {
	h.PreviousRound = name
	if h.Level != nil && p.Level != nil {
		h.LevelChange = ptr(*h.Level - *p.Level)
	}
	if h.Score != nil && p.Score != nil {
		prec := 2
		if h.Likert {
			prec = 1
		}
		h.ScoreChange = ptr(round(*h.Score-*p.Score, prec))
	}
}

// ScoreText writes the overall score: "2.84 of 5" or "62.5 of 100".
func (h Headline) ScoreText() string {
	if h.Score == nil {
		return "—"
	}
	if h.Likert {
		return trim(*h.Score, 1) + " of 100"
	}
	return trim(*h.Score, 2)
}

// LevelClass is the CSS colour class of the overall level.
func (h Headline) LevelClass() string { return questionnaires.LevelClass(h.Level, h.Levels) }

// LevelChangeText writes the change of the overall level: "+1", "0",
// "−1", or "—" without a previous round.
func (h Headline) LevelChangeText() string {
	if h.LevelChange == nil {
		return "—"
	}
	switch l := *h.LevelChange; {
	case l > 0:
		return fmt.Sprintf("+%d", l)
	case l < 0:
		return fmt.Sprintf("−%d", -l)
	}
	return "0"
}

// HasChange reports whether there is a previous round to compare with.
func (h Headline) HasChange() bool { return h.ScoreChange != nil || h.LevelChange != nil }

// ChangeText writes the change since the previous round, such as
// "▲ 1 level, score +0.42 since Q1 2026".
func (h Headline) ChangeText() string {
	if !h.HasChange() {
		if h.PreviousRound == "" {
			return "first round"
		}
		return "no comparable result in " + h.PreviousRound
	}
	var s string
	if h.LevelChange != nil {
		switch l := *h.LevelChange; {
		case l > 0:
			s = "▲ " + wording.Count(l, "level")
		case l < 0:
			s = "▼ " + wording.Count(-l, "level")
		default:
			s = "same level"
		}
	}
	if h.ScoreChange != nil {
		prec := 2
		if h.Likert {
			prec = 1
		}
		if s != "" {
			s += ", "
		}
		s += "score " + signed(*h.ScoreChange, prec)
	}
	return s + " since " + h.PreviousRound
}

// ChangeClass is the CSS class of the change: "is-up", "is-down" or "".
func (h Headline) ChangeClass() string {
	switch {
	case h.LevelChange != nil && *h.LevelChange != 0:
		return upDown(float64(*h.LevelChange))
	case h.ScoreChange != nil:
		return upDown(*h.ScoreChange)
	}
	return ""
}

func upDown(v float64) string {
	switch {
	case v > 0:
		return "is-up"
	case v < 0:
		return "is-down"
	}
	return ""
}

// Dashboard is everything the assessment dashboard shows for one questionnaire.
type Dashboard struct {
	Headline Headline
	Charts   []Chart // radar, gap bars, heatmap, spread, trend, then the measures' charts (MeasureCharts)
	// Areas is the organization's result per area, when the questionnaire
	// groups its dimensions into areas; Levels colours them.
	Areas []scoring.AreaResult
}

// NewDashboard builds the dashboard of one questionnaire of a round. history
// holds the organization's rounds with this questionnaire, oldest first,
// ending with this round; prefix makes the chart ids unique on the page.
func NewDashboard(prefix string, q *questionnaires.Questionnaire, r *scoring.Result, history []RoundResult) Dashboard {
	var prev *scoring.Result
	var prevName string
	if n := len(history); n >= 2 {
		prev, prevName = history[n-2].Result, history[n-2].Name
	}
	p := CleanID(prefix)
	return Dashboard{
		Areas:    r.Areas,
		Headline: NewHeadline(q, r, prev, prevName),
		Charts: append(about(q.Title,
			Radar(p+"_radar", q, r),
			GapBars(p+"_gaps", q, r, nil),
			Heatmap(p+"_heatmap", q, r),
			SpreadChart(p+"_spread", q, r),
			Trend(p+"_trend", q, history),
		), MeasureCharts(p, q, r)...),
	}
}

// about sets the subject of charts.
func about(subject string, cs ...Chart) []Chart {
	for i := range cs {
		cs[i].Subject = subject
	}
	return cs
}

// BlockingQuestion is a question that holds a team below its next level.
type BlockingQuestion struct {
	Key    string
	Text   string
	Lowest int    // the lowest level answered; under mean and samm the floor of the mean answer level
	Answer string // what that answer said, on the level scale
	Mean   bool   // Lowest is a mean answer level (mean and samm)
}

// BlockingGroup lists the blocking questions of one dimension of a team.
type BlockingGroup struct {
	Dimension   string
	Level       string // the team's level, "2 · Operational"
	Next        string // the next level, "3 · Scalable"
	BelowTarget bool   // the team has a gap to the target here
	Questions   []BlockingQuestion
}

// Disagreement is a dimension where a team's respondents disagree.
type Disagreement struct {
	Dimension   string
	Level       string
	Spread      int
	Respondents int
}

// TeamView is everything the team page shows for one questionnaire.
type TeamView struct {
	Headline      Headline
	Charts        []Chart // radar against the organization, gap bars
	Blocking      []BlockingGroup
	BlockingNote  string // how the blocking questions are chosen, when not as under gated
	Disagreements []Disagreement
}

// NewTeamView builds one team's page for one questionnaire; prev is the
// team's result in the previous round (nil when none).
func NewTeamView(prefix string, q *questionnaires.Questionnaire, r *scoring.Result, team *scoring.TeamResult, prev *scoring.TeamResult, prevName string) TeamView {
	s := scaleOf(q)
	p := CleanID(prefix)
	v := TeamView{
		Headline: NewTeamHeadline(q, team, prev, prevName),
		Charts: about(team.Name+", "+q.Title,
			TeamRadar(p+"_radar", q, r, team),
			GapBars(p+"_gaps", q, r, team),
		),
	}
	mean := false
	switch q.Method() {
	case questionnaires.ScoringMean, questionnaires.ScoringSAMM:
		mean = true
		v.BlockingNote = "Per dimension, the questions whose mean answer over the team's respondents is below the next level, lowest first: raising these answers is what reaching the next level takes. Dimensions still short of the target are open."
	case questionnaires.ScoringActivities:
		v.BlockingNote = "Per dimension, the activities of the next level or below that someone in the team has not done: doing them is what reaching the next level takes. Dimensions still short of the target are open."
	}
	byKey := teamDims(team)
	for _, d := range r.Dimensions {
		td := byKey[d.Key]
		if td == nil {
			continue
		}
		if len(td.Blocking) > 0 && td.Level != nil {
			g := BlockingGroup{Dimension: d.Title, Level: s.levelName(td.Level), Next: s.levelName(ptr(*td.Level + 1)),
				BelowTarget: td.Gap != nil && *td.Gap > 0}
			for _, b := range td.Blocking {
				bq := BlockingQuestion{Key: b.Question, Text: b.Question, Lowest: b.Level, Mean: mean}
				if _, qq, ok := q.Question(b.Question); ok {
					bq.Text = qq.Text
					for _, o := range qq.Options {
						if o.Level == b.Level && !mean {
							bq.Answer = o.Label
						}
					}
				}
				g.Questions = append(g.Questions, bq)
			}
			v.Blocking = append(v.Blocking, g)
		}
		if td.Disagreement != nil && *td.Disagreement {
			v.Disagreements = append(v.Disagreements, Disagreement{Dimension: d.Title, Level: s.levelName(td.Level), Spread: deref(td.Spread), Respondents: td.Respondents})
		}
	}
	return v
}
