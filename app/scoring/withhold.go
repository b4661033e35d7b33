package scoring

import (
	"encoding/json"
	"slices"
)

// withheldGroupID is the team id under which the responses of withheld
// teams are scored together for the organization's figures, when together
// they reach the minimum group size. No stored team has a negative id.
const withheldGroupID = -1

// Withholding says what an anonymous round's minimum group size hid from a
// result. It is part of the stored snapshot, so every view reads the same
// decision.
type Withholding struct {
	MinGroup int `json:"min_group"`
	// Teams and Respondents count the withheld teams and their submitted
	// responses.
	Teams       int `json:"teams"`
	Respondents int `json:"respondents"`
	// Excluded: those responses are left out of the organization's figures
	// too (together they are fewer than MinGroup). Otherwise they count in
	// the organization's figures as one group of Respondents.
	Excluded bool `json:"excluded"`
}

// Decision is the withholding rule applied to the submitted responses of
// one anonymous round: which teams are withheld, and whether their responses
// stay in the organization's figures.
type Decision struct {
	MinGroup int
	Withheld map[int64]int // withheld team id -> its submitted responses
	Total    int           // submitted responses of the withheld teams together
	Excluded bool          // Total > 0 and Total < MinGroup
}

// Decide applies the rule: a team with fewer than minGroup submitted
// responses (none included) is withheld; when the withheld teams together
// have fewer than minGroup responses, they are left out of the
// organization's figures as well, so that subtracting the visible teams
// from the organization never reveals them. counts holds the submitted
// responses per team id; minGroup 0 (a named round) withholds nothing.
func Decide(minGroup int, teams []int64, counts map[int64]int) Decision {
	d := Decision{MinGroup: minGroup, Withheld: map[int64]int{}}
	if minGroup <= 0 {
		return d
	}
	for _, id := range teams {
		if n := counts[id]; n < minGroup {
			d.Withheld[id] = n
			d.Total += n
		}
	}
	d.Excluded = d.Total > 0 && d.Total < minGroup
	return d
}

// IsWithheld reports whether the team is withheld.
func (d Decision) IsWithheld(teamID int64) bool {
	_, ok := d.Withheld[teamID]
	return ok
}

// Responses returns the responses as the organization's figures see them:
// visible teams' responses as they are; withheld teams' responses dropped
// when Excluded, else moved into one group under a team id of its own.
// Anything computed for the organization from responses (levels, and
// measures such as NPS) must be computed from these.
func (d Decision) Responses(all []Response) []Response {
	if len(d.Withheld) == 0 {
		return all
	}
	out := make([]Response, 0, len(all))
	for _, r := range all {
		if d.IsWithheld(r.TeamID) {
			if d.Excluded {
				continue
			}
			r.TeamID = withheldGroupID
		}
		out = append(out, r)
	}
	return out
}

// ScoreAnonymous scores one questionnaire of an anonymous round with
// minimum group size minGroup. It is the one place where withholding
// happens: withheld teams come out as TeamResult{ID, Name, Respondents,
// Withheld: true} and nothing else, the organization's figures are scored
// from Decision.Responses, and the result's Withholding says what was done.
func ScoreAnonymous(in Input, minGroup int) (*Result, error) {
	ids := make([]int64, len(in.Teams))
	for i, t := range in.Teams {
		ids[i] = t.ID
	}
	counts := make(map[int64]int, len(in.Teams))
	for _, r := range in.Responses {
		counts[r.TeamID]++
	}
	d := Decide(minGroup, ids, counts)
	scored := in
	scored.Teams = slices.DeleteFunc(slices.Clone(in.Teams), func(t Team) bool { return d.IsWithheld(t.ID) })
	if d.Total > 0 && !d.Excluded {
		scored.Teams = append(scored.Teams, Team{ID: withheldGroupID, Name: "withheld teams"})
	}
	scored.Responses = d.Responses(in.Responses)
	r, err := Score(scored)
	if err != nil {
		return nil, err
	}
	teams := make([]TeamResult, 0, len(in.Teams))
	for _, t := range in.Teams {
		if n, ok := d.Withheld[t.ID]; ok {
			teams = append(teams, TeamResult{ID: t.ID, Name: t.Name, Respondents: n, Withheld: true})
		} else if tr := r.Team(t.ID); tr != nil {
			teams = append(teams, *tr)
		}
	}
	r.Teams = teams
	r.Respondents = nil
	r.Withholding = &Withholding{MinGroup: minGroup, Teams: len(d.Withheld), Respondents: d.Total, Excluded: d.Excluded}
	return r, nil
}

// MarshalJSON writes a withheld team as exactly {"id","name","respondents",
// "withheld":true}, whatever else the value holds.
func (t TeamResult) MarshalJSON() ([]byte, error) {
	if t.Withheld {
		return json.Marshal(struct {
			ID          int64  `json:"id"`
			Name        string `json:"name"`
			Respondents int    `json:"respondents"`
			Withheld    bool   `json:"withheld"`
		}{t.ID, t.Name, t.Respondents, true})
	}
	type plain TeamResult
	return json.Marshal(plain(t))
}

// MinGroup returns the minimum group size of an anonymous round's result,
// or 0 (also for a nil result).
func (r *Result) MinGroup() int {
	if r == nil || r.Withholding == nil {
		return 0
	}
	return r.Withholding.MinGroup
}
