package models

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tideml/tide/nn"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// The example of the Keras conventions spec (§1.1), exact.
const specSummary = `Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 128)            │       100,480 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout (Dropout)               │ (None, 128)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 101,770 (397.54 KB)
 Trainable params: 101,770 (397.54 KB)
 Non-trainable params: 0 (0.00 B)
`

func TestSummarySpecExample(t *testing.T) {
	m := Sequential(Input(784), nn.Dense(128, nn.WithActivation("relu")), nn.Dropout(0.2), nn.Dense(10))
	var b strings.Builder
	if err := m.Summary(&b); err != nil {
		t.Fatal(err)
	}
	if b.String() != specSummary {
		t.Errorf("got\n%s\nwant\n%s", b.String(), specSummary)
	}
}

func TestColumnWidths(t *testing.T) {
	for _, c := range []struct {
		pos    []float64
		length int
		want   []int
	}{
		{[]float64{0.45, 0.80, 1.0}, 76, []int{33, 24, 15}},
		{[]float64{0.45, 0.80, 1.0}, 88, []int{38, 29, 17}},
		{[]float64{0.30, 0.56, 0.74, 1.0}, 108, []int{31, 27, 17, 28}},
	} {
		got, err := columnWidths(c.pos, c.length)
		if err != nil || !equalInts(got, c.want) {
			t.Errorf("%v %d: %v %v, want %v", c.pos, c.length, got, err, c.want)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSummaryFunctional(t *testing.T) {
	ResetNames()
	a := Input(32)
	b := Input(16)
	shared := nn.Dense(8, nn.WithActivation("relu"))
	ha := Apply(shared, Apply(nn.Dense(8), a))
	hb := Apply(nn.Dense(8), b)
	hb2 := Apply(shared, hb)
	merged := Apply(nn.Concatenate(), ha, hb2)
	out1 := Apply(nn.Dense(1, nn.WithName("score")), merged)
	out2 := Apply(nn.Dense(3, nn.WithName("kind")), merged)
	m, err := Functional([]*Symbolic{a, b}, []*Symbolic{out1, out2}, WithName("two_towers"))
	if err != nil {
		t.Fatal(err)
	}
	var s strings.Builder
	if err := m.Summary(&s, LineLength(108)); err != nil {
		t.Fatal(err)
	}
	golden(t, "functional.summary", s.String())
	if got := len(m.Weights()); got != 10 {
		t.Errorf("%d weights, want 10 (the shared layer counted once)", got)
	}
}

func TestSummaryFunctionalChain(t *testing.T) {
	ResetNames()
	in := Input(28, 28, 1)
	x := Apply(nn.Conv2D(8, 3, nn.WithActivation("relu")), in)
	x = Apply(nn.GlobalAveragePooling2D(), x)
	out := Apply(nn.Dense(10), x)
	m, err := Functional([]*Symbolic{in}, []*Symbolic{out})
	if err != nil {
		t.Fatal(err)
	}
	var s strings.Builder
	m.Summary(&s)
	golden(t, "chain.summary", s.String())
}

func TestSummaryNestedAndTrainable(t *testing.T) {
	inner := Sequential(nn.Dense(4), nn.Dense(2))
	inner.SetName("head")
	m := Sequential(Input(3), nn.Dense(5), inner)
	var s strings.Builder
	if err := m.Summary(&s, ShowTrainable(), ExpandNested()); err != nil {
		t.Fatal(err)
	}
	golden(t, "nested.summary", s.String())
}

func TestUniqueNames(t *testing.T) {
	m := Sequential(Input(4), nn.Dense(3), nn.Dense(3), nn.Dense(3, nn.WithName("out")))
	var names []string
	for _, l := range m.Layers() {
		names = append(names, l.Name())
	}
	if got := strings.Join(names, " "); got != "dense dense_1 out" {
		t.Errorf("names %q", got)
	}
	if got := m.Weights()[2].Name(); got != "dense_1/kernel" {
		t.Errorf("weight name %q", got)
	}
}
