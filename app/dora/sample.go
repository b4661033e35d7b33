package dora

import (
	"encoding/binary"
	"slices"
)

// Sample is a multiset of durations in whole seconds (0 to MaxLeadTime),
// held as sorted runs of big-endian uint32: the form the store keeps per
// day. A window's exact median is then selected by a binary search over the
// values that counts, in each run, the values at most a candidate — without
// decoding or sorting the window's values.
type Sample struct {
	runs [][]byte
	n    int
}

// NewSample returns a sample of vs.
func NewSample(vs []int64) Sample {
	var s Sample
	s.AddRun(EncodeRun(vs))
	return s
}

// AddRun adds a run made by EncodeRun or MergeRun. The sample keeps run.
func (s *Sample) AddRun(run []byte) {
	if len(run) >= 4 {
		run = run[:len(run)/4*4]
		s.runs = append(s.runs, run)
		s.n += len(run) / 4
	}
}

// Len is the number of values.
func (s Sample) Len() int { return s.n }

// Values returns every value, sorted.
func (s Sample) Values() []int64 {
	out := make([]int64, 0, s.n)
	for _, r := range s.runs {
		for i := 0; i < len(r); i += 4 {
			out = append(out, int64(binary.BigEndian.Uint32(r[i:])))
		}
	}
	slices.Sort(out)
	return out
}

// EncodeRun encodes vs, sorted, as a run.
func EncodeRun(vs []int64) []byte {
	sorted := slices.Clone(vs)
	slices.Sort(sorted)
	out := make([]byte, 0, 4*len(sorted))
	for _, v := range sorted {
		out = binary.BigEndian.AppendUint32(out, clamp(v))
	}
	return out
}

// MergeRun returns run with vs added, still sorted.
func MergeRun(run []byte, vs []int64) []byte {
	add := EncodeRun(vs)
	out := make([]byte, 0, len(run)+len(add))
	i, j := 0, 0
	for i < len(run) && j < len(add) {
		if binary.BigEndian.Uint32(run[i:]) <= binary.BigEndian.Uint32(add[j:]) {
			out, i = append(out, run[i:i+4]...), i+4
		} else {
			out, j = append(out, add[j:j+4]...), j+4
		}
	}
	out = append(out, run[i:]...)
	return append(out, add[j:]...)
}

// SubtractRun returns run without one occurrence of each value of sub
// (both sorted runs); values of sub missing from run are ignored.
func SubtractRun(run, sub []byte) []byte {
	out := make([]byte, 0, len(run))
	i, j := 0, 0
	for i < len(run) {
		if j < len(sub) {
			a, b := binary.BigEndian.Uint32(run[i:]), binary.BigEndian.Uint32(sub[j:])
			switch {
			case a == b:
				i, j = i+4, j+4
				continue
			case b < a:
				j += 4
				continue
			}
		}
		out, i = append(out, run[i:i+4]...), i+4
	}
	return out
}

func clamp(v int64) uint32 {
	return uint32(min(max(v, 0), MaxLeadTime))
}

// Median is the sample's median (the mean of the middle two for an even
// count); ok is false for an empty sample.
func (s Sample) Median() (float64, bool) {
	switch {
	case s.n == 0:
		return 0, false
	case s.n%2 == 1:
		return float64(s.kth(s.n / 2)), true
	}
	return (float64(s.kth(s.n/2-1)) + float64(s.kth(s.n/2))) / 2, true
}

// kth returns the k-th smallest value (from 0): the least v such that more
// than k values are at most v.
func (s Sample) kth(k int) uint32 {
	lo, hi := uint32(MaxLeadTime), uint32(0)
	for _, r := range s.runs {
		lo = min(lo, binary.BigEndian.Uint32(r))
		hi = max(hi, binary.BigEndian.Uint32(r[len(r)-4:]))
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		if s.countAtMost(mid) > k {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// countAtMost counts the values at most v.
func (s Sample) countAtMost(v uint32) int {
	total := 0
	for _, r := range s.runs {
		lo, hi := 0, len(r)/4 // the first index whose value exceeds v
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if binary.BigEndian.Uint32(r[4*mid:]) > v {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		total += lo
	}
	return total
}
