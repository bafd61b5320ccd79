package regularizers_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/tideml/tide/nn/regularizers"
	"github.com/tideml/tide/tensor"
)

func TestPenalties(t *testing.T) {
	x := tensor.FromSlice([]float32{1, -2, 3})
	for _, c := range []struct {
		name string
		r    regularizers.Regularizer
		want float64
	}{
		{"l1", regularizers.L1(0.1), 0.6},
		{"l2", regularizers.L2(0.1), 1.4},
		{"l1l2", regularizers.L1L2(0.1, 0.1), 2.0},
		{"l1l2_zero", regularizers.L1L2(0, 0), 0},
	} {
		if got := c.r.Loss(x).Item(); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	for _, name := range []string{"l1", "l2", "l1_l2"} {
		if _, err := regularizers.Get(name); err != nil {
			t.Error(err)
		}
	}
	if _, err := regularizers.Get("l3"); err == nil {
		t.Error("unknown name: no error")
	}
}

func Example() {
	w := tensor.FromSlice([]float32{1, -2, 3})
	fmt.Printf("%.2f %.2f\n", regularizers.L1(0.01).Loss(w).Item(), regularizers.L2(0.01).Loss(w).Item())
	fmt.Println(regularizers.L2(0.01).Config())
	// Output:
	// 0.06 0.14
	// map[class_name:L2 config:map[l2:0.01]]
}
