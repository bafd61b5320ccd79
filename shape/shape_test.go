package shape_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tideml/tide/shape"
)

func TestBroadcast(t *testing.T) {
	cases := []struct {
		in   []shape.Shape
		want string
	}{
		{[]shape.Shape{{2, 3}, {2, 3}}, "[2 3]"},
		{[]shape.Shape{{2, 3}, {3}}, "[2 3]"},
		{[]shape.Shape{{4, 1}, {1, 5}}, "[4 5]"},
		{[]shape.Shape{{}, {2, 1, 3}}, "[2 1 3]"},
		{[]shape.Shape{{8, 1, 6, 1}, {7, 1, 5}}, "[8 7 6 5]"},
		{[]shape.Shape{{0, 3}, {1, 3}}, "[0 3]"},
		{[]shape.Shape{{shape.Unknown, 3}, {1, 3}}, "[? 3]"},
		{[]shape.Shape{{shape.Unknown, 3}, {5, 3}}, "[5 3]"},
		{[]shape.Shape{{2, 1}, {3}, {4, 1, 1}}, "[4 2 3]"},
	}
	for _, c := range cases {
		got, err := shape.Broadcast(c.in...)
		if err != nil || got.String() != c.want {
			t.Errorf("Broadcast%v = %v, %v; want %s", c.in, got, err, c.want)
		}
	}
	_, err := shape.Broadcast(shape.Shape{2, 3}, shape.Shape{4})
	if err == nil || !strings.Contains(err.Error(), "shapes [2 3] and [4] cannot be broadcast: dimension -1 is 3 in one and 4 in another") {
		t.Errorf("got %v", err)
	}
	_, err = shape.Broadcast(shape.Shape{0}, shape.Shape{2})
	if err == nil {
		t.Error("0 and 2 broadcast")
	}
}

func TestAxes(t *testing.T) {
	if a, err := shape.NormalizeAxis(-1, 3); a != 2 || err != nil {
		t.Errorf("NormalizeAxis(-1, 3) = %d, %v", a, err)
	}
	if _, err := shape.NormalizeAxis(3, 3); err == nil || err.Error() != "axis 3 out of range for rank 3" {
		t.Errorf("got %v", err)
	}
	if a, err := shape.NormalizeAxes([]int{-1, 0}, 3); fmt.Sprint(a) != "[0 2]" || err != nil {
		t.Errorf("NormalizeAxes = %v, %v", a, err)
	}
	if _, err := shape.NormalizeAxes([]int{1, -2}, 3); err == nil || !strings.Contains(err.Error(), "repeated") {
		t.Errorf("repeated axes accepted: %v", err)
	}
	if a, _ := shape.NormalizeAxes(nil, 2); fmt.Sprint(a) != "[0 1]" {
		t.Errorf("nil axes = %v", a)
	}
	if _, err := shape.CheckPerm([]int{0, 0}, 2); err == nil {
		t.Error("CheckPerm accepted a repeat")
	}
}

func TestResolve(t *testing.T) {
	if s, err := shape.Resolve([]int{2, -1, 3}, 24); s.String() != "[2 4 3]" || err != nil {
		t.Errorf("Resolve = %v, %v", s, err)
	}
	if s, err := shape.Resolve([]int{-1}, 0); s.String() != "[0]" && err == nil {
		t.Errorf("Resolve of empty = %v", s)
	}
	if _, err := shape.Resolve([]int{5, -1}, 24); err == nil {
		t.Error("Resolve accepted 24 into [5 -1]")
	}
	if got := shape.ReducedAxes(shape.Shape{3, 1}, shape.Shape{2, 3, 4}); fmt.Sprint(got) != "[0 2]" {
		t.Errorf("ReducedAxes = %v", got)
	}
	if st := (shape.Shape{2, 3, 4}).Strides(); fmt.Sprint(st) != "[12 4 1]" {
		t.Errorf("Strides = %v", st)
	}
}

func ExampleBroadcast() {
	s, err := shape.Broadcast(shape.Of(8, 1, 6, 1), shape.Of(7, 1, 5))
	fmt.Println(s, err)
	// Output: [8 7 6 5] <nil>
}

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		s          shape.Shape
		k          int
		rows, cols int
	}{
		{shape.Shape{4, 5, 6}, 1, 20, 6},
		{shape.Shape{4, 5, 6}, 2, 4, 30},
		{shape.Shape{4, 5, 6}, 3, 1, 120},
		{shape.Shape{4, 5, 6}, 0, 120, 1},
		{shape.Shape{}, 0, 1, 1},
		{shape.Shape{3, 0, 2}, 1, 0, 2},
	} {
		if r, n := c.s.Split(c.k); r != c.rows || n != c.cols {
			t.Errorf("%v.Split(%d) = %d, %d; want %d, %d", c.s, c.k, r, n, c.rows, c.cols)
		}
	}
}
