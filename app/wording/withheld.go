package wording

import "fmt"

// NotEnough is what every view shows for a withheld team of an anonymous
// round, and nothing more: "not enough responses (3 of 5)".
func NotEnough(responses, minGroup int) string {
	return fmt.Sprintf("not enough responses (%d of %d)", responses, minGroup)
}

// OrgWithout says what the organization's figures of an anonymous round
// leave out or merge, or "" when no team is withheld.
func OrgWithout(teams, responses, minGroup int, excluded bool) string {
	switch {
	case teams == 0 || responses == 0:
		return ""
	case excluded:
		return fmt.Sprintf("The organization's figures leave out %s with fewer than %d responses (%s together), so that no team's answers can be worked out from them.",
			CountOf(teams, "team", "teams"), minGroup, CountOf(responses, "response", "responses"))
	}
	return fmt.Sprintf("The organization's figures count the %s with fewer than %d responses as one group of %s.",
		CountOf(teams, "team", "teams"), minGroup, CountOf(responses, "response", "responses"))
}
