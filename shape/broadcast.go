package shape

import "fmt"

// Broadcast returns the shape that NumPy broadcasting gives for shapes: dimensions are aligned
// from the right, and each pair must be equal or contain a 1. An Unknown dimension broadcasts with
// 1 or an equal Unknown to Unknown, and with a known size n > 1 to n.
func Broadcast(shapes ...Shape) (Shape, error) {
	rank := 0
	for _, s := range shapes {
		rank = max(rank, len(s))
	}
	out := make(Shape, rank)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		off := rank - len(s)
		for i, d := range s {
			o := out[off+i]
			switch {
			case d == o || d == 1:
			case o == 1:
				out[off+i] = d
			case d == Unknown:
				// o is a known size > 1: the run-time size must match it.
			case o == Unknown:
				out[off+i] = d
			default:
				return nil, fmt.Errorf("shapes %v cannot be broadcast: dimension %d is %d in one and %d in another",
					fmtShapes(shapes), i-len(s), o, d)
			}
		}
	}
	return out, nil
}

// BroadcastsTo reports whether s can be broadcast to target (target is not changed).
func BroadcastsTo(s, target Shape) bool {
	if len(s) > len(target) {
		return false
	}
	off := len(target) - len(s)
	for i, d := range s {
		if d != 1 && d != target[off+i] {
			return false
		}
	}
	return true
}

// ReducedAxes returns the axes of target along which a tensor of shape target must be summed
// (then reshaped to s) to undo a broadcast of s to target. The gradient of a broadcast uses it.
func ReducedAxes(s, target Shape) []int {
	var axes []int
	off := len(target) - len(s)
	for i := range target {
		if i < off || (s[i-off] == 1 && target[i] != 1) {
			axes = append(axes, i)
		}
	}
	return axes
}

func fmtShapes(shapes []Shape) string {
	s := ""
	for i, sh := range shapes {
		if i > 0 {
			s += " and "
		}
		s += sh.String()
	}
	return s
}
