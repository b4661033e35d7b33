// Package scoring turns one questionnaire definition and the submitted
// answers of an assessment round into maturity levels, scores, targets, gaps,
// blocking questions and trends for every respondent, every team and the
// organization. It is pure: no HTTP, no database, no clock, no randomness.
// The same Input always gives the same Result, whatever the order of the
// teams, responses and answers in it.
//
// Every chart, report, export and recommendation reads the Result, so this
// comment states each rule exactly, including every reading chosen where the
// specification (issue 5, with the changes of issue 15) leaves room. These
// are the rules of scoring Version 3: results stored under Version 1 took
// likert team and organization levels as medians of levels and the overall
// level as the floor of the weighted mean level; under Version 2 the
// value-based methods listed no blocking questions (gated results are the
// same under Versions 2 and 3).
//
// # Inputs and validation
//
// Score rejects inconsistent input with an error wrapping ErrInvalidInput:
// an answer to a question the questionnaire does not have, two answers to the
// same question in one response, a level outside 1..N (level scale) or a
// value outside 1..5 (likert scale), a response of a team that is not in
// Input.Teams, two teams or two responses with the same ID, a default target
// or an override of a known dimension outside 1..N, a Previous result of
// another questionnaire key, and a malformed questionnaire (unknown scale, a
// dimension scale different from the questionnaire scale, levels not numbered
// 1..N in order or more than 200 of them, a pass ratio outside (0,1], a
// negative or non-finite weight, duplicate dimension or question keys).
//
// A weight of 0 means "not set" and counts as the documented default 1, for
// dimensions and questions alike; a pass ratio of 0 counts as the default
// 0.75. On the level scale only Answer.Level is read, on the likert scale only
// Answer.Value. An N/A answer must name a known question (and may not repeat
// one), but its Level and Value are not checked: N/A answers are left out of
// everything below, so adding one never changes a result. Overrides for
// dimension keys the questionnaire does not have are ignored, so that the
// targets of a round with several questionnaires can be passed to each one.
//
// Only submitted responses may be passed. A response whose answers are all
// N/A still counts as a respondent of its team (TeamResult.Respondents) but
// adds nothing to any level or score.
//
// # Respondent, per dimension
//
// Over the respondent's applicable (non-N/A) answers to the dimension's
// questions, with question weights q_i:
//
//   - Level scale, answer levels a_i: score = Σ q_i·a_i / Σ q_i (on 1..N).
//     The level is the largest L in 1..N whose pass share
//     (Σ q_i over answers with a_i ≥ L) / Σ q_i reaches the pass ratio p.
//     L = 1 always passes, so a respondent with an applicable answer has a
//     level of at least 1.
//   - Likert scale, values v_i: a reverse-scored statement counts as
//     v'_i = 6 − v_i, any other as v'_i = v_i; score = 100·(Σ q_i·v'_i /
//     Σ q_i − 1)/4 (on 0..100); level = min(N, 1 + ⌊score·N/100⌋).
//
// Without applicable answers the respondent's level and score in that
// dimension are null.
//
// # Team, per dimension
//
// Over the team's respondents whose level in the dimension is not null
// (n of them, reported as "respondents"): score = the arithmetic mean of
// their unrounded scores; spread = highest level − lowest level of the
// respondents; disagreement = spread ≥ 2. The level depends on the scale:
//
//   - Level scale: the lower median of the respondents' levels (sorted
//     ascending, the value at 1-based position ⌈n/2⌉, so with two
//     respondents at 2 and 3 the team is at 2).
//   - Likert scale: the level of the team's own score, by the respondent
//     formula: level = min(N, 1 + ⌊score·N/100⌋). So a team's level never
//     falls as its score rises: a team at 48 is never above a team at 50.
//     Two respondents at 25 and 75 (levels 2 and 4 of N = 4) make a team
//     at 50, level 3.
//
// With n = 0 the level, score, gap, spread and disagreement are null and
// blocking is empty.
//
// The team's top-level "respondents" is the number of its submitted
// responses, N/A-only ones included.
//
// # Organization, per dimension
//
// Over the teams whose level in the dimension is not null (n of them,
// reported as "teams"): score = the mean of the unrounded team scores (each
// team weighs the same, whatever its number of respondents); distribution =
// min, p25, median, p75 and max of the team levels (as the team rules above
// give them) by nearest rank, the value at 1-based position ⌈k·n/100⌉ (at
// least 1) of the ascending list, where min is position 1, max position n
// and median the lower median (position ⌈n/2⌉). The level depends on the
// scale:
//
//   - Level scale: the lower median of the team levels, which is also the
//     distribution's median.
//   - Likert scale: the level of the organization's own score,
//     min(N, 1 + ⌊score·N/100⌋). It lies between the distribution's min and
//     max but need not equal its median: teams at 25, 25 and 100 (levels 2,
//     2 and 4 of N = 4) make an organization at 50, level 3, with median 2.
//
// With n = 0 the level, score and gap are null and every field of the
// distribution is null (the object itself is always present).
//
// # Overall, per questionnaire
//
// For a respondent, a team and the organization alike, on both scales, over
// the dimensions whose level is not null, with dimension weights w_d and
// total weight W = Σ w_d:
//
//   - level = the weighted lower median of the dimension levels L_d: the
//     smallest L such that the dimensions at level ≤ L weigh at least W/2.
//     With equal weights it is the lower median (two dimensions at 1 and 3
//     give 1; six of seven at 2 and one at 1 give 2); weights 2 and 1 on
//     levels 3 and 1 give 3.
//   - score = Σ w_d·S_d / W, the weighted mean of the unrounded dimension
//     scores.
//
// No such dimension: the overall level, level name, score and percent to
// target are null.
//
// # Targets and gaps
//
// target_d is Targets.Overrides[key of d] when present, else Targets.Default;
// the same target applies to the organization, every team and every
// respondent. On both scales a target is a level, and gap_d = max(0,
// target_d − L_d) counts levels, null when L_d is null: a dimension whose
// level is below its target always has a gap of at least 1, and one at or
// above it a gap of 0. The organization's and every team's dimensions carry
// their level, score, target and gap, so that no reader needs to compare a
// score with a target itself (on likert, target level t starts at score
// 100·(t−1)/N, and a score below that is at a level below t).
// percent_to_target = 100·(1 − Σ gap_d / Σ target_d) over the dimensions
// whose level is not null (a dimension above its target counts as gap 0, so
// the figure never exceeds 100).
//
// # Why this level: blocking questions
//
// A team whose level L in a dimension is below N lists as blocking every
// question of that dimension that at least one of its respondents answered
// (not N/A) below the next level L+1. Any respondent counts, not only those
// at or below the team level, because each such answer is one the team must
// raise to reach L+1. The reported level of a blocking question is the lowest
// such answer. The list is ordered by that level (lowest first), then by the
// number of the team's respondents who answered below L+1 (most first), then
// by questionnaire order. Whenever a team is below N the list is not empty:
// at least one respondent is at level L or below (on the level scale because
// L is a median of their levels, on likert because the team's score, below
// where L+1 starts, is a mean of theirs), and such a respondent always has an
// answer below L+1. A team at level N, or with a null level, has an empty
// list.
//
// On the likert scale an answer has no option level of its own; its level is
// the respondent-level formula applied to that single answer,
// min(N, 1 + ⌊(v'−1)·N/4⌋), after reverse scoring.
//
// For the organization, blocking lists the questions of the dimension that
// block the most teams: each question is counted once per team whose list
// holds it ("teams"), whatever the organization's own level; questions no
// team lists are left out; the list is ordered by that count (highest first),
// then questionnaire order, and cut to the first five.
//
// # Trend
//
// When Input.Previous is set (the result of the previous round with the same
// questionnaire key, possibly an older version), each organization dimension
// is matched by key with the previous result. "previous" holds that
// dimension's stored level and score, and is null when the previous result
// has no such dimension or its level there was null. "change" is the current
// level minus the previous level and the current score minus the previous
// score, where the current score is first rounded as it is reported, so that
// the three published numbers agree; it is null when previous or the current
// level is null. Should the previous result list a dimension key twice,
// the first entry counts. Without Input.Previous both are null everywhere.
//
// When Input.PreviousQuestionnaire (the version the previous result was
// computed from) is given, "previous" carries definition_changed: true for a
// dimension whose weight, or whose scored questions' keys or weights (order
// aside, a weight of 0 counting as 1), differ from the current version's,
// or which that version lacks. The field is absent otherwise.
//
// # Numbers, rounding and tolerance
//
// All rules compute on unrounded float64 values; rounding happens only when
// the Result is built. Scores are rounded to 2 decimals on the level scale
// and 1 decimal on the likert scale (this applies to the score in change
// too); percent_to_target to 1 decimal; weights are reported as given.
// Rounding is half away from zero, decided with a tolerance of 1e-9 on the
// scaled value, so that a mean that is exactly 2.675 on paper but 2.67499…
// in binary is reported as 2.68, as an auditor recomputing by hand expects.
//
// Comparisons and floors that decide a level use the same kind of tolerance,
// so that binary rounding can never move a level: a pass share counts as
// reaching p when Σ passing weights ≥ p·Σ weights − 1e-9·Σ weights (3 of 4
// equal-weight answers pass p = 0.75 even when the weights are 0.1), and
// every ⌊x⌋ in a level formula is taken as ⌊x + 1e-9⌋ (a likert team score
// that is 100/3 on paper gives 0.9999999999999999 for score·3/100, and is at
// level 2 of 3), and the dimensions at level ≤ L count as weighing at least
// half when their weight ≥ W/2 − 1e-9·W (weights 0.01 and 0.09 at level 1
// against 0.1 at level 2 are exactly half, so the overall level is 1, even
// though their binary sum is below 0.1). The pass-share and median
// tolerances are relative to the total weight and every floor is taken of a
// weighted mean, so scaling all weights by a constant never changes a level.
//
// Sums of floating-point values are always taken in a canonical order
// (questionnaire order within a response and across dimensions, response ID
// within a team, team ID across the organization), so that reordering the
// input cannot change even the last bit of a score or a level.
//
// # Scoring methods
//
// A questionnaire names its method in its scoring field. Everything above
// is the gated method, the default, and every questionnaire that names none
// is scored by it exactly as before. The value-based methods below need the
// level scale; their levels may be numbered from 0. Each answer is the chosen
// option (Answer.Option, or for an answer stored without its key the first
// option of Answer.Level), worth the option's value, or its level when it has
// none. In every method, a team's score in a dimension is the mean of its
// respondents' scores there, and its level follows from that score by the
// method's level rule; the organization's score is the mean of the team
// scores (each team weighs the same) and its level follows the same way. A
// level is never outside the scale: a value-based level below the lowest
// level is the lowest level, one above the highest the highest. Targets off
// the scale are moved to its nearest end. Distribution, spread,
// disagreement, gaps, trends and rounding (2 decimals, 1 for activities)
// work as under gated; blocking questions follow the method (below).
//
//   - mean: a respondent's dimension score is Σ q_i·x_i / Σ q_i over the
//     applicable answers, x_i the option's value (or level); level = ⌊score⌋.
//     The overall score is the weighted mean of the dimension scores, and
//     its level ⌊score⌋.
//   - samm: a question's score is its option's value; a group's score is
//     the sum over its answered questions (question weights are not used);
//     a dimension's score is the mean of its groups that have an answer (a
//     dimension without groups is one group); level = ⌊score⌋. An area's score
//     is the mean of its dimensions' scores, and the overall score the mean of
//     the area scores (without areas, the weighted mean of the dimensions);
//     each level is ⌊score⌋. With SAMM's values 0, 0.25, 0.5 and 1 and three
//     questions per group the scores run 0..3.
//   - activities: every question is a yes/no activity of a level (options
//     worth 1 are done, 0 not done). Score = 100·(weight done)/(weight
//     answered). For each level L, share_L = (weight done)/(weight answered)
//     over the answered questions of level ≤ L (1 when there are none yet).
//     The level reached climbs from the lowest level while share_L ≥ the pass
//     ratio, and stops at the first level that misses it or above the
//     highest level that has an answered question; the lowest level is always
//     given (number the scale from 0 to tell "nothing reached" apart). A
//     team's shares are the means of its respondents' shares per level, the
//     organization's the means of the team shares, and their levels follow by
//     the same climb; an overall or area level climbs the weighted mean of the
//     dimension shares.
//
// Blocking questions of the value-based methods. A team whose level L in a
// dimension is below the highest level lists, with "next" = L+1 (a level
// number, so 1 on a scale numbered from 0 when the team is at 0):
//
//   - activities: every question of the dimension whose own level is ≤ next
//     and that at least one of the team's respondents answered (not N/A)
//     as not done (an option worth less than 1). Its Level is the lowest
//     level of the options those respondents chose (the "not done"
//     option's level, 0 in an import from DSOMM). The list is ordered by
//     that Level, then by the question's own level (lowest first), then by
//     the number of the team's respondents who did not do it (most first),
//     then by questionnaire order. Questions of a level above next are
//     never listed: they do not stand between the team and next. The list
//     may be empty when the climb stopped for want of answered questions
//     at next (all of them N/A).
//   - mean and samm: every question of the dimension whose mean answer
//     level over the team's respondents who answered it (not N/A; each
//     respondent once, question weights not used) is below next (by more
//     than the tolerance below). The answer level is under mean the
//     number the method scores (the option's value, or its level when it
//     has none), under samm the chosen option's level. Its Level is
//     ⌊mean answer level⌋, kept on the scale. The list is ordered by the
//     mean answer level (lowest first), then questionnaire order. It may
//     be empty even below the highest level, since a dimension's score
//     weighs or groups the answers differently (samm sums values per
//     group; an answer's value need not equal its level).
//
// A team at the highest level, or with a null level, lists nothing. The
// organization's list counts, per question, the teams whose list holds it,
// and is ordered and cut to five exactly as under gated.
//
// # Areas
//
// When the questionnaire groups its dimensions into areas, the organization
// and every team carry one result per area, in the questionnaire's order:
// the score is the weighted mean of the area's dimension scores (null
// dimensions left out) and the level follows the method's rule for an
// overall level (gated: the weighted lower median of the dimension levels;
// the others as above). Without areas the list is absent from the JSON.
//
// A dimension may name its own levels; its level_name is then taken from
// them.
//
// # Output order
//
// Dimensions follow the questionnaire; teams follow Input.Teams (their
// display order); respondents follow the team order, then the response ID.
// Empty lists are encoded as [], never null.
package scoring
