package models

import (
	"fmt"
	"slices"

	"github.com/tideml/tide/data"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Arrays returns a dataset of the rows of in-memory tensors (features, then targets, then
// optionally per-example sample weights), for Fit, Evaluate and Predict to batch with
// [BatchSize]: data.FromTensorSlices under a name that says what it is for.
func Arrays(ts ...*tensor.Tensor) *data.Dataset { return data.FromTensorSlices(ts...) }

// batched reports whether the elements of ds are batches for the model: their features have
// the model's input rank (batch included). A dataset of single examples has one dimension
// less. With the model not built yet, a first dimension of unknown size means batches.
func (m *Model) batched(ds *data.Dataset) bool {
	spec := ds.Spec()
	if spec.Len() == 0 {
		return true
	}
	first := spec.Tensors[0].Shape
	if m.inSpecs != nil {
		i := 0
		if spec.Names != nil {
			if idx := m.namedInputIndex(spec.Names, 0); idx >= 0 {
				i = idx
			} else if idx := m.featureIndex(spec.Names); idx >= 0 {
				i = idx
			}
			first = spec.Tensors[i].Shape
		}
		return len(first) == len(m.inSpecs[0].Shape)
	}
	return len(first) > 0 && first[0] == shape.Unknown
}

// inputNames returns the names the model's inputs take in a named element.
func (m *Model) inputNames() []string {
	var out []string
	for _, s := range m.inputs {
		out = append(out, s.Name())
	}
	return out
}

// outputNames returns the names of the model's outputs: the producing layers' names for a
// functional model, else "output_0", ...
func (m *Model) outputNames() []string {
	if m.kind == kindFunctional {
		var out []string
		for _, s := range m.outputs {
			out = append(out, s.Name())
		}
		return out
	}
	out := make([]string, len(m.modelOut))
	for i := range out {
		out[i] = fmt.Sprintf("output_%d", i)
	}
	return out
}

func (m *Model) namedInputIndex(names []string, i int) int {
	in := m.inputNames()
	if i < len(in) {
		return slices.Index(names, in[i])
	}
	return -1
}

// featureIndex returns the position in names of the features of a model with one input when
// they are not under the input's name: the first name that is neither a target's nor the
// sample weights' (as splitNamed finds them), or -1.
func (m *Model) featureIndex(names []string) int {
	if m.numInputs() != 1 {
		return -1
	}
	outs := m.outputNames()
	for i, name := range names {
		if name != "sample_weight" && !slices.Contains(labelNames, name) && !slices.Contains(outs, name) {
			return i
		}
	}
	return -1
}

// labelNames are the names a single target may have in a named element.
var labelNames = []string{"label", "labels", "y", "target", "targets"}

// split separates an element (a batch) into features, targets and sample weights. A tuple
// holds nx features then the targets then, optionally, the sample weights; a named element
// holds the inputs under the input layers' names (or, for one input, the one tensor that is
// not a target), the targets under the output layers' names (or, for one output, "label",
// "y", ...), and "sample_weight".
func (m *Model) split(e data.Element, nx, ny int, wantY bool) (xs, ys []*tensor.Tensor, sw *tensor.Tensor, err error) {
	if e.IsNamed() {
		return m.splitNamed(e, nx, ny, wantY)
	}
	n := e.Len()
	switch {
	case !wantY && n >= nx:
		return e.Tensors[:nx], nil, nil, nil
	case n == nx+ny:
		return e.Tensors[:nx], e.Tensors[nx:], nil, nil
	case n == nx+ny+1:
		return e.Tensors[:nx], e.Tensors[nx : nx+ny], e.Tensors[nx+ny], nil
	}
	return nil, nil, nil, fmt.Errorf("models: model %q takes %d inputs and %d targets, the data's elements have %d tensors", m.name, nx, ny, n)
}

func (m *Model) splitNamed(e data.Element, nx, ny int, wantY bool) (xs, ys []*tensor.Tensor, sw *tensor.Tensor, err error) {
	used := map[string]bool{}
	sw = e.Get("sample_weight")
	used["sample_weight"] = true
	if wantY {
		outs := m.outputNames()
		for i := range ny {
			t := e.Get(outs[i])
			if t == nil && ny == 1 {
				for _, name := range labelNames {
					if t = e.Get(name); t != nil {
						used[name] = true
						break
					}
				}
			}
			if t == nil {
				return nil, nil, nil, fmt.Errorf("models: model %q: no target named %q (or label, y) in the data's elements %v", m.name, outs[i], e.Names)
			}
			used[outs[i]] = true
			ys = append(ys, t)
		}
	} else {
		for _, name := range labelNames {
			used[name] = true
		}
	}
	ins := m.inputNames()
	for i := range nx {
		var t *tensor.Tensor
		if i < len(ins) {
			t = e.Get(ins[i])
		}
		if t == nil && nx == 1 {
			var rest []string
			for _, name := range e.Names {
				if !used[name] && !slices.Contains(m.outputNames(), name) {
					rest = append(rest, name)
				}
			}
			if len(rest) == 1 {
				t = e.Get(rest[0])
			}
		}
		if t == nil {
			return nil, nil, nil, fmt.Errorf("models: model %q: cannot find input %d in the data's elements %v", m.name, i, e.Names)
		}
		xs = append(xs, t)
	}
	return xs, ys, sw, nil
}

// classWeights multiplies the sample weights by the weights of the targets' classes (an
// integer class index, or the argmax of a one-hot row).
func classWeights(y, sw *tensor.Tensor, cw map[int]float64) *tensor.Tensor {
	var idx []int64
	if y.DType().IsFloat() && y.Rank() >= 2 && y.Dim(-1) > 1 {
		idx = ops.Argmax(y, -1).Int64s()
	} else {
		idx = y.Int64s()
	}
	n := y.Dim(0)
	w := make([]float32, n)
	per := len(idx) / max(n, 1)
	for i := range n {
		v, ok := cw[int(idx[i*per])]
		if !ok {
			v = 1
		}
		w[i] = float32(v)
	}
	out := tensor.FromSlice(w, n)
	if sw != nil {
		return ops.Mul(ops.Cast(sw, dtype.Float32), out)
	}
	return out
}
