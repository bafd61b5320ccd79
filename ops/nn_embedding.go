package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// Embedding lookup is its own pair of primitives rather than gather: ids must be in [0, vocab)
// (negative ids are a mistake here, not a count from the end as gather allows), the error names
// the id and the vocabulary, and the gradient with respect to the table, embedding_grad, takes
// the table only for its shape, so no static shape is baked into traced graphs. The two are
// each other's adjoint, so gradients of every order exist.

var nnEmbeddingOp, nnEmbeddingGradOp *core.Op

func init() {
	nnEmbeddingOp = core.Declare(core.Def[None]{
		Name: "embedding", Doc: "rows of a [vocab, dim] table selected by integer ids (ONNX Gather on axis 0, torch.nn.functional.embedding)",
		DTypes: allTypes, Infer: nnInferEmbedding,
		Grad: func(_ None, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{core.Apply1(nnEmbeddingGradOp, None{}, g[0], in[1], in[0]), nil}
		},
	})
	registerRef(nnEmbeddingOp, allTypes, func(_ None, in, out []*Tensor) error {
		rows, err := nnEmbeddingRows(in[0], in[1])
		if err != nil {
			return err
		}
		ref.Gather(out[0], in[0], rows)
		return nil
	})

	nnEmbeddingGradOp = core.Declare(core.Def[None]{
		Name: "embedding_grad", Doc: "zeros shaped like a table with the rows of g added at their ids, the gradient of embedding (ONNX ScatterND with reduction add, torch embedding_backward)",
		DTypes: numericTypes, Infer: nnInferEmbeddingGrad,
		Grad: func(_ None, in, _, g []*Tensor) []*Tensor {
			return []*Tensor{core.Apply1(nnEmbeddingOp, None{}, g[0], in[1]), nil, nil}
		},
	})
	registerRef(nnEmbeddingGradOp, numericTypes, func(_ None, in, out []*Tensor) error {
		rows, err := nnEmbeddingRows(in[2], in[1])
		if err != nil {
			return err
		}
		if out[0].DType().IsFloat() {
			ref.ScatterReduce(out[0], out[0], in[0], rows, func(a, v float64) float64 { return a + v })
		} else {
			ref.ScatterReduce(out[0], out[0], in[0], rows, func(a, v int64) int64 { return a + v })
		}
		return nil
	})
}

// nnEmbeddingOut returns the shape of the lookup of ids in table: ids' shape followed by the
// table's without its first (vocabulary) dimension.
func nnEmbeddingOut(table, ids core.Spec) (shape.Shape, error) {
	if !ids.DType.IsInt() {
		return nil, fmt.Errorf("ids are %s, want an integer dtype", ids.DType)
	}
	if len(table.Shape) == 0 {
		return nil, fmt.Errorf("table is a scalar, want shape [vocab, dim...]")
	}
	return append(ids.Shape.Clone(), table.Shape[1:]...), nil
}

func nnInferEmbedding(_ None, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 2); err != nil {
		return nil, err
	}
	s, err := nnEmbeddingOut(in[0], in[1])
	if err != nil {
		return nil, err
	}
	return []core.Spec{{DType: in[0].DType, Shape: s}}, nil
}

// nnInferEmbeddingGrad checks g, ids and the table whose shape the result takes.
func nnInferEmbeddingGrad(_ None, in []core.Spec) ([]core.Spec, error) {
	if err := wantInputs(in, 3); err != nil {
		return nil, err
	}
	g, ids, table := in[0], in[1], in[2]
	want, err := nnEmbeddingOut(table, ids)
	if err != nil {
		return nil, err
	}
	if g.DType != table.DType {
		return nil, fmt.Errorf("gradient is %s, table %s: want the same dtype", g.DType, table.DType)
	}
	if !nnShapesFit(g.Shape, want) {
		return nil, fmt.Errorf("gradient has shape %v, want %v (ids %v, table %v)", g.Shape, want, ids.Shape, table.Shape)
	}
	return []core.Spec{{DType: table.DType, Shape: table.Shape.Clone()}}, nil
}

// nnShapesFit reports whether a and b have the same rank and equal dimensions where both are
// known.
func nnShapesFit(a, b shape.Shape) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && a[i] != shape.Unknown && b[i] != shape.Unknown {
			return false
		}
	}
	return true
}

// nnBroadcastsTo reports whether s broadcasts to target, where an unknown dimension on either
// side may turn out to fit.
func nnBroadcastsTo(s, target shape.Shape) bool {
	if len(s) > len(target) {
		return false
	}
	off := len(target) - len(s)
	for i, d := range s {
		t := target[off+i]
		if d != 1 && d != t && d != shape.Unknown && t != shape.Unknown {
			return false
		}
	}
	return true
}

// nnEmbeddingRows returns, for each element of the lookup of ids in table, the flat index of
// the table element it reads, or an error naming the first id outside [0, vocab).
func nnEmbeddingRows(table, ids *Tensor) ([]int, error) {
	vocab := table.Dim(0)
	row := 1
	for _, d := range table.Shape()[1:] {
		row *= d
	}
	iv := ids.Int64s()
	idx := make([]int, 0, len(iv)*row)
	for i, id := range iv {
		if id < 0 || id >= int64(vocab) {
			return nil, fmt.Errorf("id %d (at flat position %d of ids %v) out of range for a vocabulary of %d", id, i, ids.Shape(), vocab)
		}
		for q := 0; q < row; q++ {
			idx = append(idx, int(id)*row+q)
		}
	}
	return idx, nil
}

// Embedding returns the rows of table selected by ids: the result has shape ids.shape +
// table.shape[1:], so a [vocab, dim] table and [batch, seq] ids give [batch, seq, dim], as
// torch.nn.functional.embedding and Keras's Embedding layer. ids may have any integer dtype and
// must lie in [0, vocab): unlike [Gather], negative ids are an error, as in PyTorch and Keras.
// The gradient with respect to the table adds each upstream row into the row its id selected
// (repeated ids accumulate); ids have none. It panics with a *core.Error if ids are not
// integers or the table is a scalar, and, eagerly, if an id is out of range (the message names
// the id, its position and the vocabulary size).
func Embedding(table, ids *Tensor) *Tensor {
	return core.Apply1(nnEmbeddingOp, None{}, table, ids)
}

// EmbeddingGrad returns a tensor shaped like table holding zeros, with each row of g added
// into the row of its id: the gradient of [Embedding] with respect to the table (a scatter-add,
// ONNX ScatterND with reduction "add"). g has shape ids.shape + table.shape[1:] and table's
// dtype; only table's shape is used. It panics with a *core.Error on mismatched shapes or
// dtypes and, eagerly, on an id out of range.
func EmbeddingGrad(g, ids, table *Tensor) *Tensor {
	return core.Apply1(nnEmbeddingGradOp, None{}, g, ids, table)
}
