package models_test

import (
	"testing"

	"gapmap/models"
)

func TestPercent(t *testing.T) {
	tests := []struct {
		part, whole, want int
	}{
		{0, 0, 0},
		{3, 0, 0},
		{0, 7, 0},
		{1, 3, 33},
		{2, 3, 66},
		{3, 3, 100},
		{5, 3, 100},
		{-1, 3, 0},
		{1, -3, 0},
		{999, 1000, 99},
	}
	for _, tt := range tests {
		if got := models.Percent(tt.part, tt.whole); got != tt.want {
			t.Errorf("Percent(%d, %d) = %d, want %d", tt.part, tt.whole, got, tt.want)
		}
	}
}
