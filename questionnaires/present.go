package questionnaires

import "fmt"

// LevelSteps is the number of colour steps a level maps onto, whatever the
// number of levels of its scale: every view (pages, charts, workbook) colours
// a level by its step, so one level has one colour everywhere.
const LevelSteps = 5

// LevelStep maps a level of a 1..n scale onto the colour steps 0..LevelSteps-1.
func LevelStep(level, n int) int {
	if n <= 1 || level <= 1 {
		return 0
	}
	if n <= LevelSteps {
		return min(level, LevelSteps) - 1
	}
	i := int(float64(level-1)*float64(LevelSteps-1)/float64(n-1) + 0.5)
	return min(max(i, 0), LevelSteps-1)
}

// LevelFill returns the colour of a level step (0..LevelSteps-1, light to
// dark, viridis) as "#rrggbb"; LevelInk a readable text colour on it. These
// are the only definition of the level palette in Go: the charts and the
// workbook read them, and static/css/gapmap.css repeats them as --lvl-1 ..
// --lvl-5 (a test of app/charts keeps the two equal). A step out of range
// takes the nearest end.
func LevelFill(step int) string {
	return [LevelSteps]string{"#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"}[clampStep(step)]
}

// LevelInk returns the text colour readable on LevelFill(step).
func LevelInk(step int) string {
	return [LevelSteps]string{"#1a1a1a", "#1a1a1a", "#000000", "#ffffff", "#ffffff"}[clampStep(step)]
}

func clampStep(step int) int { return min(max(step, 0), LevelSteps-1) }

// LevelClass returns the CSS class of a level's colour ("lvl-1".."lvl-5"),
// or "lvl-na" for no level.
func LevelClass(level *int, n int) string {
	if level == nil {
		return "lvl-na"
	}
	return fmt.Sprintf("lvl-%d", LevelStep(*level, n)+1)
}

// LikertPoints is the number of answers of a likert statement (values 1..5).
const LikertPoints = 5

// LikertLabel names the answer v (1..LikertPoints) of a likert statement, or
// returns "" for any other value.
func LikertLabel(v int) string {
	switch v {
	case 1:
		return "Strongly disagree"
	case 2:
		return "Disagree"
	case 3:
		return "Neither agree nor disagree"
	case 4:
		return "Agree"
	case 5:
		return "Strongly agree"
	}
	return ""
}

// LevelClassOf returns the CSS colour class of a level of q's scale.
func (q *Questionnaire) LevelClassOf(level int) string {
	return LevelClass(&level, len(q.Levels))
}
