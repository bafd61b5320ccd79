package models

import (
	"testing"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Masks flow from Embedding(mask_zero) through layers that keep them to the layers that use
// them, as in Keras: a padded batch gives the same outputs as the same sequences unpadded.
func TestMaskPropagation(t *testing.T) {
	padded := tensor.FromSlice([]int64{3, 5, 2, 0, 0, 7, 1, 4, 6, 2}, 2, 5)
	// The same sequences without padding, one per batch.
	short := []*tensor.Tensor{
		tensor.FromSlice([]int64{3, 5, 2}, 1, 3),
		tensor.FromSlice([]int64{7, 1, 4, 6, 2}, 1, 5),
	}
	embOpts := []nn.Option{nn.WithMaskZero(true), nn.WithSeed(1)}
	cases := map[string]func() *Model{
		"embedding-lstm": func() *Model {
			return Sequential(nn.Embedding(10, 4, embOpts...), nn.LSTM(3, nn.WithSeed(2)))
		},
		"embedding-dense-dropout-gru": func() *Model {
			return Sequential(nn.Embedding(10, 4, embOpts...), nn.Dense(5, nn.WithSeed(3)), nn.Dropout(0.5), nn.GRU(3, nn.WithSeed(4)))
		},
		"embedding-globalaverage": func() *Model {
			return Sequential(nn.Embedding(10, 4, embOpts...), nn.GlobalAveragePooling1D())
		},
		"functional-add-lstm": func() *Model {
			in := InputWith([]int{-1}, nn.WithDType(dtype.Int64))
			a := Apply(nn.Embedding(10, 4, embOpts...), in)
			b := Apply(nn.Embedding(10, 4, nn.WithMaskZero(true), nn.WithSeed(5)), in)
			sum := Apply(nn.Add(), a, b)
			out := Apply(nn.LSTM(3, nn.WithSeed(6)), sum)
			m, err := Functional([]*Symbolic{in}, []*Symbolic{out})
			if err != nil {
				t.Fatal(err)
			}
			return m
		},
		"functional-concatenate-time": func() *Model {
			in := InputWith([]int{-1}, nn.WithDType(dtype.Int64))
			e := Apply(nn.Embedding(10, 4, embOpts...), in)
			// Joined with itself along time: the padding stays masked on both halves.
			cat := Apply(nn.Concatenate(nn.WithAxis(1)), e, e)
			out := Apply(nn.GlobalAveragePooling1D(), cat)
			m, err := Functional([]*Symbolic{in}, []*Symbolic{out})
			if err != nil {
				t.Fatal(err)
			}
			return m
		},
	}
	for name, mk := range cases {
		m := mk()
		got := m.Call(nn.Inference, padded)[0]
		for i, s := range short {
			want := m.Call(nn.Inference, s)[0]
			row := ops.SliceAxis(got, 0, i, i+1, 1)
			if !tensor.AllClose(row, want, 1e-6, 1e-6) {
				t.Errorf("%s: padded sequence %d gives %v, unpadded %v", name, i, row, want)
			}
		}
		// Compiled (Predict) gives the same as eager.
		pred, err := m.PredictOnBatch(padded)
		if err != nil {
			t.Fatal(err)
		}
		if !tensor.AllClose(pred[0], got, 1e-6, 1e-6) {
			t.Errorf("%s: compiled %v, eager %v", name, pred[0], got)
		}
	}
}

// Without mask_zero nothing is masked: the padding changes the result.
func TestNoMaskWithoutMaskZero(t *testing.T) {
	m := Sequential(nn.Embedding(10, 4, nn.WithSeed(1)), nn.GlobalAveragePooling1D())
	a := m.Call(nn.Inference, tensor.FromSlice([]int64{3, 5, 0, 0}, 1, 4))[0]
	b := m.Call(nn.Inference, tensor.FromSlice([]int64{3, 5}, 1, 2))[0]
	if tensor.AllClose(a, b, 1e-6, 1e-6) {
		t.Errorf("padding had no effect without mask_zero")
	}
}

// Softmax uses the mask flowing from Embedding(mask_zero), as Keras's Softmax(mask): attention
// weights over time (Dense(1) scores, softmax along time) give the padded steps weight 0 and the
// valid ones the weights of the unpadded sequence, eagerly and compiled; the mask flows on, so a
// GRU after a per-step softmax over features sees the padded batch as the unpadded sequences.
func TestSoftmaxUsesPropagatedMask(t *testing.T) {
	padded := tensor.FromSlice([]int64{3, 5, 2, 0, 0, 7, 1, 4, 6, 2}, 2, 5)
	short := []*tensor.Tensor{
		tensor.FromSlice([]int64{3, 5, 2}, 1, 3),
		tensor.FromSlice([]int64{7, 1, 4, 6, 2}, 1, 5),
	}
	emb := []nn.Option{nn.WithMaskZero(true), nn.WithSeed(1)}
	attn := Sequential(nn.Embedding(10, 4, emb...), nn.Dense(1, nn.WithSeed(2)), nn.Softmax(nn.WithAxis(1)))
	got := attn.Call(nn.Inference, padded)[0] // [2, 5, 1]
	for i, s := range short {
		want := attn.Call(nn.Inference, s)[0]
		n := s.Dim(1)
		row := ops.SliceAxis(got, 0, i, i+1, 1)
		if !tensor.AllClose(ops.SliceAxis(row, 1, 0, n, 1), want, 1e-6, 1e-6) {
			t.Errorf("padded sequence %d gives weights %v, unpadded %v", i, row, want)
		}
		if pad := ops.SliceAxis(row, 1, n, 5, 1); !tensor.AllClose(pad, ops.ZerosLike(pad), 0, 0) {
			t.Errorf("padded steps of sequence %d get weights %v, want 0", i, pad)
		}
	}
	pred, err := attn.PredictOnBatch(padded)
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.AllClose(pred[0], got, 1e-6, 1e-6) {
		t.Errorf("compiled %v, eager %v", pred[0], got)
	}
	seq := Sequential(nn.Embedding(10, 4, emb...), nn.Dense(3, nn.WithSeed(3)), nn.Softmax(), nn.GRU(2, nn.WithSeed(4)))
	out := seq.Call(nn.Inference, padded)[0]
	for i, s := range short {
		if row, want := ops.SliceAxis(out, 0, i, i+1, 1), seq.Call(nn.Inference, s)[0]; !tensor.AllClose(row, want, 1e-6, 1e-6) {
			t.Errorf("GRU after Softmax: padded sequence %d gives %v, unpadded %v", i, row, want)
		}
	}
}
