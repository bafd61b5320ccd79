package data

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// IDX returns a dataset of the rows of the given IDX files (the format of the MNIST
// files, optionally gzipped), like [FromTensorSlices] of the arrays they hold: IDX(images,
// labels) yields (image, label) tuples. The files must have the same first dimension.
// Their headers are read when IDX is called, so the spec is known; the data are read on
// each pass. Element types: unsigned byte → uint8, signed byte → int8, short and int →
// int32, float → float32, double → float64.
func IDX(paths ...string) *Dataset {
	if len(paths) == 0 {
		return errorf("idx: no files")
	}
	spec := Spec{Tensors: make([]TensorSpec, len(paths))}
	n := -1
	for i, p := range paths {
		h, err := readIDXHeader(p)
		if err != nil {
			return failed(err)
		}
		if len(h.dims) == 0 {
			return errorf("idx: %s holds a scalar, want at least one dimension", p)
		}
		if n >= 0 && h.dims[0] != n {
			return errorf("idx: %s has %d rows, %s has %d", p, h.dims[0], paths[0], n)
		}
		n = h.dims[0]
		spec.Tensors[i] = TensorSpec{DType: h.dt, Shape: shape.Shape(h.dims[1:]).Clone()}
	}
	return newDataset(spec, int64(n), func(ctx context.Context, yield func(Element, error) bool) {
		ts := make([]*tensor.Tensor, len(paths))
		for i, p := range paths {
			t, err := ReadIDX(p)
			if err != nil {
				yield(Element{}, err)
				return
			}
			ts[i] = t
		}
		for r := range n {
			out := make([]*tensor.Tensor, len(ts))
			for i, t := range ts {
				out[i] = row(t, r)
			}
			if ctxDone(ctx, yield) || !yield(Tuple(out...), nil) {
				return
			}
		}
	})
}

type idxHeader struct {
	dt    dtype.DType
	code  byte
	dims  []int
	bytes int // bytes of data that follow the header
}

// maxIDXElements bounds what a header may claim, so that products cannot overflow.
const maxIDXElements = 1 << 36

func parseIDXHeader(r io.Reader, path string) (idxHeader, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return idxHeader{}, fmt.Errorf("data: idx: %s: header: %w", path, noEOF(err))
	}
	if magic[0] != 0 || magic[1] != 0 {
		return idxHeader{}, fmt.Errorf("data: idx: %s: bad magic % x, want 00 00 <type> <rank>", path, magic)
	}
	h := idxHeader{code: magic[2]}
	var size int
	switch magic[2] {
	case 0x08:
		h.dt, size = dtype.Uint8, 1
	case 0x09:
		h.dt, size = dtype.Int8, 1
	case 0x0b:
		h.dt, size = dtype.Int32, 2
	case 0x0c:
		h.dt, size = dtype.Int32, 4
	case 0x0d:
		h.dt, size = dtype.Float32, 4
	case 0x0e:
		h.dt, size = dtype.Float64, 8
	default:
		return idxHeader{}, fmt.Errorf("data: idx: %s: unknown element type 0x%02x", path, magic[2])
	}
	dims := make([]byte, 4*int(magic[3]))
	if _, err := io.ReadFull(r, dims); err != nil {
		return idxHeader{}, fmt.Errorf("data: idx: %s: header: %w", path, noEOF(err))
	}
	n := 1
	for i := range int(magic[3]) {
		d := int(binary.BigEndian.Uint32(dims[4*i:]))
		h.dims = append(h.dims, d)
		if d > 0 && n > maxIDXElements/d {
			return idxHeader{}, fmt.Errorf("data: idx: %s: dimensions %v are too large", path, h.dims)
		}
		n *= d
	}
	h.bytes = n * size
	return h, nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func readIDXHeader(path string) (idxHeader, error) {
	rc, err := openMaybeGzip(path)
	if err != nil {
		return idxHeader{}, err
	}
	defer rc.Close()
	return parseIDXHeader(rc, path)
}

// ReadIDX reads the array held by an IDX file (optionally gzipped) into one tensor.
// See [IDX] for the element types. A damaged file is an error naming it; reading never
// allocates much more than the file holds.
func ReadIDX(path string) (*tensor.Tensor, error) {
	rc, err := openMaybeGzip(path)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	br := bufio.NewReader(rc)
	h, err := parseIDXHeader(br, path)
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(br, int64(h.bytes)+1))
	if err != nil {
		return nil, fmt.Errorf("data: idx: %s: %w", path, err)
	}
	if len(raw) != h.bytes {
		what := "truncated"
		if len(raw) > h.bytes {
			what = "trailing bytes after"
		}
		return nil, fmt.Errorf("data: idx: %s: %s data: header %v wants %d bytes", path, what, h.dims, h.bytes)
	}
	t := tensor.New(h.dt, h.dims)
	switch v := t.Raw().(type) {
	case []uint8:
		copy(v, raw)
	case []int8:
		for i, b := range raw {
			v[i] = int8(b)
		}
	case []int32:
		if h.code == 0x0b {
			for i := range v {
				v[i] = int32(int16(binary.BigEndian.Uint16(raw[2*i:])))
			}
		} else {
			for i := range v {
				v[i] = int32(binary.BigEndian.Uint32(raw[4*i:]))
			}
		}
	case []float32:
		for i := range v {
			v[i] = math.Float32frombits(binary.BigEndian.Uint32(raw[4*i:]))
		}
	case []float64:
		for i := range v {
			v[i] = math.Float64frombits(binary.BigEndian.Uint64(raw[8*i:]))
		}
	}
	return t, nil
}
