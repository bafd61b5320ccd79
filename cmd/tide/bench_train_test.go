package main

import (
	"strings"
	"testing"
)

// TestTrainBenchCases runs the setup and two calls of every train case (not the timing loop),
// compiled and eagerly, so that a change that breaks a case is found without running the
// benchmarks.
func TestTrainBenchCases(t *testing.T) {
	want := map[string]bool{
		"train/mlp_784_512_512_10/b128/sgd":  true,
		"train/mlp_784_512_512_10/b128/adam": true,
		"train/mnist_convnet/b128/adam":      true,
		"train/lstm_s32_b64_i64_h128/fwdbwd": true,
	}
	for _, c := range benchCases() {
		if !strings.HasPrefix(c.name, "train/") {
			continue
		}
		if !want[c.name] {
			t.Errorf("unexpected train case %s", c.name)
			continue
		}
		delete(want, c.name)
		for _, eager := range []bool{false, true} {
			mode := "compiled"
			if eager {
				mode = "eager"
			}
			t.Run(c.name+"/"+mode, func(t *testing.T) {
				fn, err := c.setup(benchConfig{eager: eager})
				if err != nil {
					t.Fatal(err)
				}
				for i := range 2 {
					if err := fn(); err != nil {
						t.Fatalf("call %d: %v", i, err)
					}
				}
			})
		}
	}
	for name := range want {
		t.Errorf("no case %s", name)
	}
}

// TestBenchConvnetParams checks that the convnet case trains Keras's mnist_convnet.
func TestBenchConvnetParams(t *testing.T) {
	m := benchConvnet()
	if err := m.Err(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range m.TrainableWeights() {
		size := 1
		for _, d := range v.Shape() {
			size *= d
		}
		n += size
	}
	if n != 34826 {
		t.Errorf("%d parameters, want 34,826", n)
	}
}
