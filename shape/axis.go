package shape

import (
	"fmt"
	"slices"
)

// NormalizeAxis maps axis in [-rank, rank) to [0, rank), as NumPy does for negative axes.
func NormalizeAxis(axis, rank int) (int, error) {
	if axis < -rank || axis >= rank {
		return 0, fmt.Errorf("axis %d out of range for rank %d", axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}

// NormalizeAxes normalizes each axis, sorts them and rejects repeats. A nil axes means all axes.
func NormalizeAxes(axes []int, rank int) ([]int, error) {
	if axes == nil {
		all := make([]int, rank)
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	out := make([]int, len(axes))
	for i, a := range axes {
		n, err := NormalizeAxis(a, rank)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	slices.Sort(out)
	for i := 1; i < len(out); i++ {
		if out[i] == out[i-1] {
			return nil, fmt.Errorf("axis %d repeated in %v", out[i], axes)
		}
	}
	return out, nil
}

// CheckPerm returns an error unless perm is a permutation of 0..rank-1 (negative entries allowed).
func CheckPerm(perm []int, rank int) ([]int, error) {
	if len(perm) != rank {
		return nil, fmt.Errorf("permutation %v has %d entries, want %d", perm, len(perm), rank)
	}
	out := make([]int, rank)
	seen := make([]bool, rank)
	for i, p := range perm {
		n, err := NormalizeAxis(p, rank)
		if err != nil {
			return nil, fmt.Errorf("permutation %v: %v", perm, err)
		}
		if seen[n] {
			return nil, fmt.Errorf("permutation %v repeats axis %d", perm, n)
		}
		seen[n] = true
		out[i] = n
	}
	return out, nil
}
