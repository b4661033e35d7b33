// Package wording holds the small English helpers that every generated
// sentence of gapmap shares (pages, charts, reports, recommendations).
package wording

import (
	"math"
	"strconv"
)

// Plural returns one when n is 1 and many otherwise.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Count formats a count with its noun: "1 problem", "3 problems". Nouns
// whose plural is not noun+"s" use CountOf.
func Count(n int, noun string) string {
	return CountOf(n, noun, noun+"s")
}

// CountOf formats a count with the singular or plural noun given.
func CountOf(n int, one, many string) string {
	return strconv.Itoa(n) + " " + Plural(n, one, many)
}

// Number writes a number with at most three decimals and no trailing
// zeros: 2, 0.667, 1.5.
func Number(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}
