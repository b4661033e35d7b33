package models

// Percent is part of whole as a whole percentage, rounded down: the
// progress shown on progress bars (submitted of invited, answered of asked).
// It is 0 when whole is 0 or less, and at most 100.
func Percent(part, whole int) int {
	if whole <= 0 || part <= 0 {
		return 0
	}
	if part >= whole {
		return 100
	}
	return part * 100 / whole
}
