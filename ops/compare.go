package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// Comparisons give bool tensors and have no gradient; Where selects with a bool mask.

// CompareParams selects the comparison.
type CompareParams struct {
	// Kind is one of "eq", "ne", "lt", "le", "gt", "ge".
	Kind string
}

var compareOp, whereOp *core.Op

var comparisons = map[string]struct {
	f func(x, y float64) bool
	i func(x, y int64) bool
}{
	"eq": {func(x, y float64) bool { return x == y }, func(x, y int64) bool { return x == y }},
	"ne": {func(x, y float64) bool { return x != y }, func(x, y int64) bool { return x != y }},
	"lt": {func(x, y float64) bool { return x < y }, func(x, y int64) bool { return x < y }},
	"le": {func(x, y float64) bool { return x <= y }, func(x, y int64) bool { return x <= y }},
	"gt": {func(x, y float64) bool { return x > y }, func(x, y int64) bool { return x > y }},
	"ge": {func(x, y float64) bool { return x >= y }, func(x, y int64) bool { return x >= y }},
}

func init() {
	compareOp = core.Declare(core.Def[CompareParams]{
		Name: "compare", Doc: "elementwise comparison eq/ne/lt/le/gt/ge giving bool (ONNX Equal/Less/..., torch.eq/lt/...)",
		NotDifferentiable: true, DTypes: allTypes, Elementwise: true,
		Infer: func(p CompareParams, in []core.Spec) ([]core.Spec, error) {
			if _, ok := comparisons[p.Kind]; !ok {
				return nil, fmt.Errorf("unknown comparison %q (want eq, ne, lt, le, gt or ge)", p.Kind)
			}
			out, err := inferBinary(None{}, in)
			if err != nil {
				return nil, err
			}
			out[0].DType = dtype.Bool
			return out, nil
		},
	})
	registerRef(compareOp, allTypes, func(p CompareParams, in, out []*Tensor) error {
		c := comparisons[p.Kind]
		b := func(v bool) int64 {
			if v {
				return 1
			}
			return 0
		}
		if in[0].DType().IsFloat() {
			ref.Binary(out[0], in[0], in[1], func(x, y float64) int64 { return b(c.f(x, y)) })
		} else {
			ref.Binary(out[0], in[0], in[1], func(x, y int64) int64 { return b(c.i(x, y)) })
		}
		return nil
	})

	whereOp = core.Declare(core.Def[None]{
		Name: "where", Doc: "select x where cond is true, else y, with broadcasting (ONNX Where, torch.where)",
		KeyInput: 1, DTypes: allTypes, Elementwise: true,
		Infer: func(_ None, in []core.Spec) ([]core.Spec, error) {
			if err := wantInputs(in, 3); err != nil {
				return nil, err
			}
			if in[0].DType != dtype.Bool {
				return nil, fmt.Errorf("condition is %s, want bool", in[0].DType)
			}
			if err := sameDTypes(in[1:]); err != nil {
				return nil, err
			}
			s, err := shape.Broadcast(in[0].Shape, in[1].Shape, in[2].Shape)
			if err != nil {
				return nil, err
			}
			return []core.Spec{{DType: in[1].DType, Shape: s}}, nil
		},
		Grad: func(_ None, in, _, g []*Tensor) []*Tensor {
			zero := scalarLike(g[0], 0)
			return []*Tensor{nil,
				sumTo(Where(in[0], g[0], zero), in[1].Shape()),
				sumTo(Where(in[0], zero, g[0]), in[2].Shape())}
		},
	})
	registerRef(whereOp, allTypes, func(_ None, in, out []*Tensor) error {
		ref.Select(out[0], in[0], in[1], in[2])
		return nil
	})
}

func compare(kind string, x, y *Tensor) *Tensor {
	x, y = promote(x, y)
	return core.Apply1(compareOp, CompareParams{Kind: kind}, x, y)
}

// Equal returns x == y elementwise as bool, with broadcasting and promotion.
func Equal(x, y *Tensor) *Tensor { return compare("eq", x, y) }

// NotEqual returns x != y elementwise as bool (true where either is NaN).
func NotEqual(x, y *Tensor) *Tensor { return compare("ne", x, y) }

// Less returns x < y elementwise as bool.
func Less(x, y *Tensor) *Tensor { return compare("lt", x, y) }

// LessEqual returns x <= y elementwise as bool.
func LessEqual(x, y *Tensor) *Tensor { return compare("le", x, y) }

// Greater returns x > y elementwise as bool.
func Greater(x, y *Tensor) *Tensor { return compare("gt", x, y) }

// GreaterEqual returns x >= y elementwise as bool.
func GreaterEqual(x, y *Tensor) *Tensor { return compare("ge", x, y) }

// Where returns x where cond is true and y elsewhere, broadcasting all three; x and y are
// promoted to one dtype. It panics with a *core.Error if cond is not bool.
func Where(cond, x, y *Tensor) *Tensor {
	x, y = promote(x, y)
	return core.Apply1(whereOp, None{}, cond, x, y)
}
