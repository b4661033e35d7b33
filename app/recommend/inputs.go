package recommend

import (
	"gapmap/app/scoring"
	"gapmap/questionnaires"
)

// Inputs maps stored results to the engine's input: for each questionnaire
// with a result, every dimension's level and target (the organization's, or
// with teamID the team's) and the dimension weight the result was computed
// with. qs and rs are aligned; a nil questionnaire or result is skipped. A
// team that is not in a result gives no dimensions for that questionnaire.
func Inputs(qs []*questionnaires.Questionnaire, rs []*scoring.Result, teamID int64) []Input {
	out := make([]Input, 0, len(qs))
	for i, q := range qs {
		if q == nil || i >= len(rs) || rs[i] == nil {
			continue
		}
		res := rs[i]
		in := Input{Questionnaire: q}
		if teamID == 0 {
			for _, d := range res.Dimensions {
				in.Dimensions = append(in.Dimensions, DimensionState{Key: d.Key, Level: d.Level, Target: d.Target, Weight: d.Weight})
			}
		} else {
			for _, t := range res.Teams {
				if t.ID != teamID {
					continue
				}
				for _, d := range t.Dimensions {
					st := DimensionState{Key: d.Key, Level: d.Level, Target: d.Target}
					if od := res.Dimension(d.Key); od != nil {
						st.Weight = od.Weight
					}
					in.Dimensions = append(in.Dimensions, st)
				}
				break
			}
		}
		out = append(out, in)
	}
	return out
}
