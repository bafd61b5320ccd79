package data

import (
	"context"
	"fmt"
	"slices"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/io/example"
	"github.com/tideml/tide/io/tfrecord"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Compression sets the compression of the files [TFRecord] reads: tfrecord.None (the
// default), tfrecord.GZIP or tfrecord.ZLIB. As in TensorFlow it is never guessed.
func Compression(c tfrecord.Compression) Option { return func(o *options) { o.compression = c } }

// TFRecord returns a dataset of the records of the given TFRecord files, each as a uint8
// vector (usually a serialized tf.train.Example: follow it with [Dataset.ParseExample]),
// like tf.data.TFRecordDataset. Both CRCs of every record are checked. Files are read one
// after the other; with [Parallel](n), n files are read at once on their own goroutines
// and their records interleaved (deterministically unless [Deterministic](false)).
// Options: [Compression], [Parallel], [Deterministic].
//
// A damaged or cut record yields an error naming the file and the byte offset of the
// record (in the decompressed stream for a compressed file), and ends that file.
func TFRecord(paths []string, opts ...Option) *Dataset {
	if len(paths) == 0 {
		return errorf("tfrecord: no files")
	}
	o := newOptions(opts)
	paths = slices.Clone(paths)
	one := func(p string) *Dataset {
		return newDataset(bytesSpec, UnknownCardinality, func(ctx context.Context, yield func(Element, error) bool) {
			tfrecordFile(ctx, p, o.compression, yield)
		})
	}
	if o.parallel == 0 || len(paths) == 1 {
		ds := newDataset(bytesSpec, UnknownCardinality, func(ctx context.Context, yield func(Element, error) bool) {
			for _, p := range paths {
				stopped := false
				one(p).gen(ctx, func(e Element, err error) bool {
					stopped = !yield(e, err)
					return !stopped
				})
				if stopped || ctx.Err() != nil {
					return
				}
			}
		})
		ds.files = &recordFiles{paths: paths, compression: o.compression}
		return ds
	}
	files := make([]Element, len(paths))
	for i, p := range paths {
		files[i] = Single(StringTensor(p))
	}
	cycle, _ := workers(o.parallel)
	return FromElementsSpec(bytesSpec, files).Interleave(func(e Element) *Dataset {
		return one(TensorString(e.Tensor()))
	}, min(cycle, len(paths)), 1, Parallel(cycle), Deterministic(!o.nondet), Buffer(64), OutputSpec(bytesSpec))
}

func tfrecordFile(ctx context.Context, path string, c tfrecord.Compression, yield func(Element, error) bool) {
	r, err := tfrecord.Open(path, tfrecord.WithCompression(c), tfrecord.WithReuseBuffer())
	if err != nil {
		yield(Element{}, fmt.Errorf("data: %w", err))
		return
	}
	defer r.Close()
	for rec, err := range r.All() {
		if err != nil {
			yield(Element{}, fmt.Errorf("data: %w", err))
			return
		}
		if ctxDone(ctx, yield) || !yield(Single(bytesTensor(rec)), nil) {
			return
		}
	}
}

// exampleSpec returns the element spec of parsed examples, with a leading batch
// dimension of size batch when batch != 0 (shape.Unknown for any).
func exampleSpec(p *example.Parser, spec example.Spec, batch int) (Spec, error) {
	keys := p.Keys()
	out := Spec{Tensors: make([]TensorSpec, len(keys)), Names: keys}
	for i, k := range keys {
		f := spec[k]
		var ts TensorSpec
		switch f.Kind {
		case example.KindFloat:
			ts.DType = dtype.Float32
		case example.KindInt64:
			ts.DType = dtype.Int64
		case example.KindBytes:
			ts.DType = dtype.Uint8
			if f.Layout != example.LayoutFixedLen || f.Size() != 1 || batch != 0 {
				return Spec{}, fmt.Errorf("feature %q: only a scalar FixedLen bytes feature parsed one example at a time is supported (Tide has no string dtype)", k)
			}
		}
		switch f.Layout {
		case example.LayoutFixedLen:
			ts.Shape = shape.Shape(f.Shape).Clone()
			if f.Kind == example.KindBytes {
				ts.Shape = shape.Shape{shape.Unknown}
			}
		case example.LayoutVarLen:
			ts.Shape = shape.Shape{shape.Unknown}
		case example.LayoutFixedLenSequence:
			ts.Shape = append(shape.Shape{shape.Unknown}, f.Shape...)
		}
		if ts.Shape == nil {
			ts.Shape = shape.Shape{}
		}
		if batch != 0 {
			ts.Shape = append(shape.Shape{batch}, ts.Shape...)
		}
		out.Tensors[i] = ts
	}
	return out, nil
}

// ParseExample returns a dataset of the tf.train.Example records of d (uint8 vectors, as
// [TFRecord] yields them) parsed with spec, like mapping tf.io.parse_single_example: each
// element is named by the spec's keys in sorted order. A FixedLen feature becomes a
// tensor of its shape (float32 for float_list, int64 for int64_list; a scalar bytes
// feature becomes a uint8 vector), a VarLen feature a vector of its values, a
// FixedLenSequence feature a tensor of its rows. Options: those of [Dataset.Map]
// ([Parallel] to parse on several goroutines). A record that does not parse is an error
// naming the element and the feature.
func (d *Dataset) ParseExample(spec example.Spec, opts ...Option) *Dataset {
	p, err := example.NewParser(spec)
	if err != nil {
		return failed(fmt.Errorf("data: parse example: %w", err))
	}
	out, err := exampleSpec(p, spec, 0)
	if err != nil {
		return failed(fmt.Errorf("data: parse example: %w", err))
	}
	bp := newBatchParser(p, spec, out, 1)
	return d.Map(func(e Element) (Element, error) {
		rec, err := record(e)
		if err != nil {
			return Element{}, err
		}
		return bp.parse(0, func(yield func([]byte) bool) { yield(rec) })
	}, append(opts, OutputSpec(out))...)
}

// ParseExampleBatch returns a dataset of batches of n records of d parsed with spec into
// one tensor per feature, with a leading batch dimension: the fast path of
// tf.data's "batch, then parse_example" recipe, since the values of a batch are parsed
// straight into their tensor. FixedLen features become [batch, shape...] tensors, VarLen
// ones [batch, longest] padded with zeros, FixedLenSequence ones [batch, most rows,
// shape...] padded with zeros; bytes features are not supported. Options: [Parallel],
// [Deterministic] (parsing batches on several goroutines), [DropRemainder].
//
// The values of each batch are decoded straight into the memory of its tensors. When d
// is a [TFRecord] dataset read sequentially (one file, or no [Parallel] option), the
// records do not become elements at all: each batch's records are read into one reused
// buffer, in one large read (see [tfrecord.Reader.ReadChunk]), and the batches are parsed
// on the workers that [Parallel] asks for while the next are read. The results, errors
// included, are those of the general path.
func (d *Dataset) ParseExampleBatch(n int, spec example.Spec, opts ...Option) *Dataset {
	if n <= 0 {
		return errorf("parse example batch: size %d, want > 0", n)
	}
	p, err := example.NewParser(spec)
	if err != nil {
		return failed(fmt.Errorf("data: parse example batch: %w", err))
	}
	o := newOptions(opts)
	first := shape.Unknown
	if o.dropRemainder {
		first = n
	}
	out, err := exampleSpec(p, spec, first)
	if err != nil {
		return failed(fmt.Errorf("data: parse example batch: %w", err))
	}
	bp := newBatchParser(p, spec, out, n)
	if d.files != nil && d.err == nil {
		return d.files.parseBatches(n, bp, newOptions(append(opts, OutputSpec(out))))
	}
	// Gather the records of each batch as a tuple, then parse tuples (in parallel).
	grouped := d.groups(n, o.dropRemainder, Spec{}, func(elems []Element, first int) (Element, error) {
		ts := make([]*tensor.Tensor, len(elems))
		for i, e := range elems {
			if _, err := record(e); err != nil {
				return Element{}, fmt.Errorf("data: parse example batch: element %d: %s", first+i, trimPrefix(err))
			}
			ts[i] = e.Tensors[0]
		}
		return Tuple(ts...), nil
	})
	return grouped.Map(func(e Element) (Element, error) {
		return bp.parse(e.Len(), func(yield func([]byte) bool) {
			for _, t := range e.Tensors {
				if !yield(tensor.Data[uint8](t)) {
					return
				}
			}
		})
	}, append(opts, OutputSpec(out))...)
}

// record returns the serialized record held by e.
func record(e Element) ([]byte, error) {
	if e.Len() != 1 || e.Tensors[0].DType() != dtype.Uint8 || e.Tensors[0].Rank() != 1 {
		return nil, fmt.Errorf("data: want a serialized record (a uint8 vector), got %v", SpecOf(e))
	}
	return tensor.Data[uint8](e.Tensors[0]), nil
}

// exampleTensors builds the tensors of the parsed batch b: for one example when batch is
// 0, else with a leading dimension of batch.
func exampleTensors(b *example.Batch, fs example.Spec, spec Spec, batch int) (Element, error) {
	ts := make([]*tensor.Tensor, len(spec.Names))
	for i, k := range spec.Names {
		v, f := b.Get(k), fs[k]
		var dims []int
		if f.Layout == example.LayoutFixedLen {
			dims = f.Shape
			if batch != 0 {
				dims = append([]int{batch}, f.Shape...)
			}
		} else if dims = v.DenseShape(); batch == 0 {
			dims = dims[1:]
		}
		switch {
		case f.Kind == example.KindBytes:
			ts[i] = bytesTensor(v.Bytes[0])
		case f.Layout == example.LayoutFixedLen || batch == 0 || allEqual(v.Lengths):
			ts[i] = wrapValues(v, f, dims)
		default:
			ts[i] = padValues(v, f, dims)
		}
	}
	return Element{Tensors: ts, Names: spec.Names}, nil
}

func allEqual(x []int) bool {
	for _, v := range x {
		if v != x[0] {
			return false
		}
	}
	return true
}

// wrapValues returns the values of v, which fill dims exactly, as a tensor.
func wrapValues(v *example.Values, f example.FeatureSpec, dims []int) *tensor.Tensor {
	// The slices are cut to their length: the memory beyond belongs to no tensor.
	var t *tensor.Tensor
	if f.Kind == example.KindFloat {
		t = tensor.Wrap(v.Floats[:len(v.Floats):len(v.Floats)], dims...)
	} else {
		t = tensor.Wrap(v.Int64s[:len(v.Int64s):len(v.Int64s)], dims...)
	}
	if len(dims) == 0 {
		t = t.Reshape() // Wrap with no dimensions makes a vector
	}
	return t
}

// padValues returns the values of v, whose examples differ in length, padded with zeros
// into a tensor of shape dims.
func padValues(v *example.Values, f example.FeatureSpec, dims []int) *tensor.Tensor {
	dt := dtype.Int64
	if f.Kind == example.KindFloat {
		dt = dtype.Float32
	}
	out := tensor.New(dt, dims)
	per := shape.Shape(dims[1:]).Size() // values per example after padding
	rowSize := 1
	if f.Layout == example.LayoutFixedLenSequence {
		rowSize = f.Size()
	}
	off := 0
	for i, l := range v.Lengths {
		cnt := l * rowSize
		if f.Kind == example.KindFloat {
			copy(tensor.Data[float32](out)[i*per:], v.Floats[off:off+cnt])
		} else {
			copy(tensor.Data[int64](out)[i*per:], v.Int64s[off:off+cnt])
		}
		off += cnt
	}
	return out
}
