package tensor_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

type formatCase struct {
	Name  string
	DType string
	Shape []int
	Data  []any
	Str   string
}

// TestStringMatchesNumPy compares Tensor.String with NumPy's str() on the golden cases.
func TestStringMatchesNumPy(t *testing.T) {
	raw, err := os.ReadFile("testdata/format.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []formatCase }
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range file.Cases {
		dt, err := dtype.Parse(c.DType)
		if err != nil {
			t.Fatal(err)
		}
		v := make([]float64, len(c.Data))
		for i, d := range c.Data {
			switch d := d.(type) {
			case float64:
				v[i] = d
			case string:
				v[i] = map[string]float64{"nan": math.NaN(), "inf": math.Inf(1), "-inf": math.Inf(-1)}[d]
			}
		}
		src := tensor.FromSlice(v, c.Shape...)
		if len(c.Shape) == 0 {
			src = tensor.Scalar(v[0])
		}
		x := tensor.New(dt, src.Shape())
		tensor.Convert(x, src)
		if got := x.String(); got != c.Str {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", c.Name, got, c.Str)
		}
	}
}
