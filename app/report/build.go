package report

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"gapmap/app/recommend"
	"gapmap/app/scoring"
	"gapmap/app/wording"
	"gapmap/questionnaires"
)

// The builder: the figures of the report from its Input.

// phaseOrder lists the phases of the roadmap in order.
var phaseOrder = [...]string{recommend.PhaseNow, recommend.PhaseNext, recommend.PhaseLater}

const (
	maxGaps  = 5
	maxSteps = 5
)

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
		for _, res := range in.Results {
			if t := b.teamOf(res); t != nil && t.Withheld {
				r.Withheld = wording.NotEnough(t.Respondents, res.MinGroup())
				return r
			}
		}
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
	r.Contradictions, r.Evidence = b.contradictions(), b.evidence()
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
		line := OverallLine{Questionnaire: q.Key, Title: q.Title, Scale: q.Scale, MaxLevel: len(q.Levels), Computed: res != nil, scores: scoresOf(q)}
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

func (b *builder) roadmap() []Phase {
	phases := make([]Phase, len(phaseOrder))
	for i, p := range phaseOrder {
		phases[i] = Phase{Key: p, Title: recommend.PhaseTitle(p)}
		if p != recommend.PhaseLater {
			phases[i].Capacity = b.in.Capacity
		}
	}
	for _, it := range b.in.Recommendations {
		for i := range phases {
			if phases[i].Key == it.Phase {
				phases[i].Items = append(phases[i].Items, b.rec(it))
				phases[i].Effort += it.Effort
			}
		}
	}
	for i, p := range recommend.Progress(b.in.Recommendations, b.in.Plan) {
		phases[i].Done, phases[i].InProgress, phases[i].NotStarted, phases[i].WontDo = p.Done, p.InProgress, p.NotStarted, p.WontDo
	}
	return phases
}

func (b *builder) rec(it recommend.Item) Rec {
	return Rec{Item: it, Plan: b.in.Plan[recommend.PlanKey{Questionnaire: it.Questionnaire, Recommendation: it.Key}]}
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
	sec.Measures = MeasureLines(res, team)
	areas := res.Areas
	if b.in.Team != nil {
		areas = nil
		if team != nil {
			areas = team.Areas
		}
	}
	for _, a := range areas {
		titles := make([]string, len(a.Dimensions))
		for j, key := range a.Dimensions {
			titles[j] = key
			if d, ok := q.Dimension(key); ok {
				titles[j] = d.Title
			}
		}
		name := ""
		if a.LevelName != nil {
			name = *a.LevelName
		}
		sec.Areas = append(sec.Areas, AreaLine{Title: a.Title, Dimensions: strings.Join(titles, ", "),
			Level: LevelText(a.Level, name), Score: scoresOf(q).text(a.Score),
			Class: questionnaires.LevelClass(a.Level, len(q.Levels))})
	}
	return sec
}

func (b *builder) dimensionSection(q *questionnaires.Questionnaire, d *questionnaires.Dimension, res *scoring.Result, team *scoring.TeamResult) DimensionSection {
	od := res.Dimension(d.Key)
	ds := DimensionSection{
		Questionnaire: q.Key, Key: d.Key, Title: d.Title, Description: d.Description,
		Weight: dimWeight(q, d, od), Scale: q.Scale, Levels: len(q.Levels), scores: scoresOf(q),
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
					Level: bq.Level, LevelName: q.LevelName(bq.Level), Mean: averagesBlocking(q),
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
	if w := res.Withholding; w != nil {
		bd.Note = wording.OrgWithout(w.Teams, w.Respondents, w.MinGroup, w.Excluded)
	}
	for _, t := range res.Teams {
		if b.in.Team != nil && t.ID != b.in.Team.ID {
			continue
		}
		if t.Withheld {
			bd.Rows = append(bd.Rows, BreakdownRow{Name: t.Name, TeamID: t.ID, Withheld: wording.NotEnough(t.Respondents, res.MinGroup())})
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
			if !t.Withheld {
				org.Respondents += t.Respondents
			}
		}
		if w := res.Withholding; w != nil && !w.Excluded {
			org.Respondents += w.Respondents
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
			Scale: q.Scale, PassRatio: q.PassRatio, Levels: len(q.Levels), FirstLevel: q.FirstLevel(), Scoring: q.Method(),
			Source: q.Source, License: q.License, Attribution: q.Attribution}
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
	m.Paragraphs = methodParagraphs(level, likert, in.Assessment.DefaultTarget, in.Capacity)
	return m
}
