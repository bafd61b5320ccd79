package data

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/io/tfrecord"
	"github.com/tideml/tide/tensor"
)

// Cache returns a dataset that remembers d's elements, like tf.data.Dataset.cache, so
// that expensive reading and decoding happen once. With path "" the elements are kept in
// memory once a pass has run to its end without error; until then passes read d. With a
// path, the first complete pass writes the elements to that file (through a temporary
// name, renamed at the end, so an interrupted pass leaves no file behind), and every
// later pass — in this process or a later run — reads the file instead of d. A file whose
// element spec does not match d's is an error; delete it to rebuild it.
func (d *Dataset) Cache(path string) *Dataset {
	if path == "" {
		c := &memCache{}
		return d.derive(d.spec, d.card, func(ctx context.Context, yield func(Element, error) bool) {
			c.pass(ctx, d, yield)
		})
	}
	return d.derive(d.spec, d.card, func(ctx context.Context, yield func(Element, error) bool) {
		fileCachePass(ctx, d, path, yield)
	})
}

type memCache struct {
	mu    sync.Mutex
	elems []Element
	done  bool
}

func (c *memCache) pass(ctx context.Context, d *Dataset, yield func(Element, error) bool) {
	c.mu.Lock()
	done, elems := c.done, c.elems
	c.mu.Unlock()
	if done {
		for _, e := range elems {
			if ctxDone(ctx, yield) || !yield(e, nil) {
				return
			}
		}
		return
	}
	var got []Element
	clean, stopped := true, false
	d.gen(ctx, func(e Element, err error) bool {
		if err != nil {
			clean = false
		} else {
			e = e.kept() // later passes hand it out again
			got = append(got, e)
		}
		stopped = !yield(e, err)
		return !stopped
	})
	if clean && !stopped && ctx.Err() == nil {
		c.mu.Lock()
		if !c.done {
			c.elems, c.done = got, true
		}
		c.mu.Unlock()
	}
}

// cacheMagic starts the first record of a cache file; the spec follows it.
const cacheMagic = "tide-data-cache-v1"

func fileCachePass(ctx context.Context, d *Dataset, path string, yield func(Element, error) bool) {
	if _, err := os.Stat(path); err == nil {
		readCacheFile(ctx, d.spec, path, yield)
		return
	} else if !errors.Is(err, fs.ErrNotExist) {
		yield(Element{}, fmt.Errorf("data: cache: %w", err))
		return
	}
	w, err := tfrecord.Create(path)
	if err != nil {
		yield(Element{}, fmt.Errorf("data: cache: %w", err))
		return
	}
	complete := false
	defer func() {
		if !complete {
			w.Abort()
		}
	}()
	if err := w.Write(appendSpec([]byte(cacheMagic), d.spec)); err != nil {
		yield(Element{}, fmt.Errorf("data: cache: %w", err))
		return
	}
	clean, stopped := true, false
	var buf []byte
	d.gen(ctx, func(e Element, err error) bool {
		if err != nil {
			clean = false
		} else if clean {
			buf = appendElement(buf[:0], e)
			if werr := w.Write(buf); werr != nil {
				clean = false
				err = fmt.Errorf("data: cache: %w", werr)
			}
		}
		stopped = !yield(e, err)
		return !stopped
	})
	if clean && !stopped && ctx.Err() == nil {
		if err := w.Close(); err != nil {
			yield(Element{}, fmt.Errorf("data: cache: %w", err))
			return
		}
		complete = true
	}
}

func readCacheFile(ctx context.Context, spec Spec, path string, yield func(Element, error) bool) {
	r, err := tfrecord.Open(path, tfrecord.WithReuseBuffer())
	if err != nil {
		yield(Element{}, fmt.Errorf("data: cache: %w", err))
		return
	}
	defer r.Close()
	first := true
	for rec, err := range r.All() {
		if err != nil {
			yield(Element{}, fmt.Errorf("data: cache: %w", err))
			return
		}
		if first {
			first = false
			want := string(appendSpec([]byte(cacheMagic), spec))
			if string(rec) != want {
				yield(Element{}, fmt.Errorf("data: cache: %s was written for other elements than %v; delete it to rebuild the cache", path, spec))
				return
			}
			continue
		}
		e, err := decodeElement(rec)
		if err != nil {
			err = fmt.Errorf("data: cache: %s: record at offset %d: %w", path, r.Offset(), err)
		}
		if ctxDone(ctx, yield) || !yield(e, err) || err != nil {
			return
		}
	}
	if first {
		yield(Element{}, fmt.Errorf("data: cache: %s is empty", path))
	}
}

// appendSpec appends an encoding of spec to dst.
func appendSpec(dst []byte, s Spec) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s.Tensors)))
	dst = append(dst, boolByte(s.Names != nil))
	for i, t := range s.Tensors {
		if s.Names != nil {
			dst = appendString(dst, s.Names[i])
		}
		dst = append(dst, byte(t.DType))
		dst = binary.AppendUvarint(dst, uint64(len(t.Shape)))
		for _, x := range t.Shape {
			dst = binary.AppendVarint(dst, int64(x))
		}
	}
	return dst
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// appendElement appends an encoding of e: its spec (exact shapes) and each tensor's
// elements in little-endian order.
func appendElement(dst []byte, e Element) []byte {
	dst = appendSpec(dst, SpecOf(e))
	for _, t := range e.Tensors {
		switch v := t.Raw().(type) {
		case []dtype.F16:
			for _, x := range v {
				dst = binary.LittleEndian.AppendUint16(dst, uint16(x))
			}
		case []dtype.BF16:
			for _, x := range v {
				dst = binary.LittleEndian.AppendUint16(dst, uint16(x))
			}
		default:
			var err error
			if dst, err = binary.Append(dst, binary.LittleEndian, v); err != nil {
				panic(fmt.Sprintf("data: cache: encode %s: %v", t.DType(), err)) // every other storage type is fixed-size
			}
		}
	}
	return dst
}

// decoder reads the encoding of appendElement, failing on any malformed input.
type decoder struct {
	b   []byte
	err error
}

func (r *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *decoder) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *decoder) bytes(n uint64) []byte {
	if r.err != nil || n > uint64(len(r.b)) {
		r.fail()
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *decoder) fail() {
	if r.err == nil {
		r.err = io.ErrUnexpectedEOF
	}
	r.b = nil
}

func decodeElement(b []byte) (Element, error) {
	r := &decoder{b: b}
	n := r.uvarint()
	if n > uint64(len(b)) {
		return Element{}, errors.New("malformed element")
	}
	named := r.bytes(1)
	var e Element
	if len(named) == 1 && named[0] == 1 {
		e.Names = make([]string, n)
	}
	specs := make([]TensorSpec, n)
	for i := range specs {
		if e.Names != nil {
			e.Names[i] = string(r.bytes(r.uvarint()))
		}
		dt := r.bytes(1)
		rank := r.uvarint()
		if r.err != nil || rank > uint64(len(r.b)) || len(dt) != 1 || !dtype.DType(dt[0]).Valid() {
			return Element{}, errors.New("malformed element")
		}
		specs[i].DType = dtype.DType(dt[0])
		specs[i].Shape = make([]int, rank)
		for k := range specs[i].Shape {
			specs[i].Shape[k] = int(r.varint())
		}
	}
	for _, s := range specs {
		size := s.Shape.Size()
		if r.err != nil || size < 0 || uint64(size) > uint64(len(r.b)) {
			return Element{}, errors.New("malformed element")
		}
		t := tensor.New(s.DType, s.Shape)
		raw := r.bytes(uint64(size * s.DType.Size()))
		if r.err != nil {
			return Element{}, errors.New("malformed element")
		}
		decodeRaw(t, raw)
		e.Tensors = append(e.Tensors, t)
	}
	if r.err != nil || len(r.b) != 0 {
		return Element{}, errors.New("malformed element")
	}
	return e, nil
}

// decodeRaw fills t from little-endian bytes of exactly the right length.
func decodeRaw(t *tensor.Tensor, raw []byte) {
	switch v := t.Raw().(type) {
	case []dtype.F16:
		for i := range v {
			v[i] = dtype.F16(binary.LittleEndian.Uint16(raw[2*i:]))
		}
	case []dtype.BF16:
		for i := range v {
			v[i] = dtype.BF16(binary.LittleEndian.Uint16(raw[2*i:]))
		}
	default:
		if _, err := binary.Decode(raw, binary.LittleEndian, v); err != nil {
			panic(fmt.Sprintf("data: cache: decode %s: %v", t.DType(), err))
		}
	}
}
