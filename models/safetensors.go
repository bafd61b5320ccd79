package models

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, a
// JSON header of N bytes ({"__metadata__": {...}, "name": {"dtype", "shape",
// "data_offsets"}}), then the tensors' bytes, little-endian and row-major, with no gaps.

var stDTypes = map[dtype.DType]string{
	dtype.Bool: "BOOL", dtype.Uint8: "U8", dtype.Int8: "I8", dtype.Int32: "I32", dtype.Int64: "I64",
	dtype.Float16: "F16", dtype.BFloat16: "BF16", dtype.Float32: "F32", dtype.Float64: "F64",
}

// stOrder is the reference writer's dtype order (ascending); tensors are written in descending
// order of it, then by name, so that every tensor is naturally aligned.
var stOrder = []string{"BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3",
	"F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32",
	"C64", "F64", "I64", "U64"}

// stBits gives the size of every dtype a reader must know, to validate files.
var stBits = map[string]int{"BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "I16": 16,
	"U16": 16, "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "F64": 64, "I64": 64, "U64": 64}

type namedTensor struct {
	name string
	t    *tensor.Tensor
}

// encodeSafetensors returns the safetensors file of the tensors with the given metadata, byte
// for byte as the reference writer makes it: tensors ordered by descending dtype alignment then
// name, a compact header with __metadata__ first, padded with spaces to a multiple of 8.
func encodeSafetensors(ts []namedTensor, meta map[string]string) ([]byte, error) {
	ts = slices.Clone(ts)
	for i, nt := range ts {
		if _, ok := stDTypes[nt.t.DType()]; !ok {
			return nil, fmt.Errorf("models: safetensors: tensor %q has dtype %s, which safetensors cannot hold", nt.name, nt.t.DType())
		}
		if nt.name == "__metadata__" || nt.name == "" || slices.ContainsFunc(ts[:i], func(o namedTensor) bool { return o.name == nt.name }) {
			return nil, fmt.Errorf("models: safetensors: bad or duplicate tensor name %q", nt.name)
		}
	}
	rank := func(nt namedTensor) int { return slices.Index(stOrder, stDTypes[nt.t.DType()]) }
	sort.SliceStable(ts, func(i, j int) bool {
		if ri, rj := rank(ts[i]), rank(ts[j]); ri != rj {
			return ri > rj
		}
		return ts[i].name < ts[j].name
	})
	var hdr bytes.Buffer
	hdr.WriteByte('{')
	if len(meta) > 0 {
		hdr.WriteString(`"__metadata__":`)
		b, err := json.Marshal(meta) // keys sorted
		if err != nil {
			return nil, err
		}
		hdr.Write(b)
	}
	var body bytes.Buffer
	for i, nt := range ts {
		if i > 0 || len(meta) > 0 {
			hdr.WriteByte(',')
		}
		name, _ := json.Marshal(nt.name)
		begin := body.Len()
		body.Write(nt.t.Bytes())
		dims := make([]string, nt.t.Rank())
		for k, d := range nt.t.Shape() {
			dims[k] = strconv.Itoa(d)
		}
		fmt.Fprintf(&hdr, `%s:{"dtype":%q,"shape":[%s],"data_offsets":[%d,%d]}`, name, stDTypes[nt.t.DType()],
			joinComma(dims), begin, body.Len())
	}
	hdr.WriteByte('}')
	for hdr.Len()%8 != 0 {
		hdr.WriteByte(' ')
	}
	out := make([]byte, 8, 8+hdr.Len()+body.Len())
	binary.LittleEndian.PutUint64(out, uint64(hdr.Len()))
	out = append(out, hdr.Bytes()...)
	return append(out, body.Bytes()...), nil
}

func joinComma(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(x)
	}
	return b.String()
}

type stEntry struct {
	DType       string  `json:"dtype"`
	Shape       []int64 `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

// decodeSafetensors parses a safetensors file under the reference reader's rules (header size,
// JSON, contiguous offsets covering the buffer exactly, sizes matching dtypes and shapes) and
// returns its tensors by name and its metadata. It never panics, whatever the bytes; tensors of
// dtypes Tide has no type for (U16, F8, ...) are an error naming them.
func decodeSafetensors(b []byte) (map[string]*tensor.Tensor, map[string]string, error) {
	if len(b) < 8 {
		return nil, nil, errors.New("safetensors: header too small")
	}
	n := binary.LittleEndian.Uint64(b)
	if n > 100_000_000 {
		return nil, nil, errors.New("safetensors: header too large")
	}
	if 8+n > uint64(len(b)) {
		return nil, nil, fmt.Errorf("safetensors: header of %d bytes runs past the end of the %d-byte file", n, len(b))
	}
	hdr := bytes.TrimRight(b[8:8+n], " ")
	if len(hdr) == 0 || hdr[0] != '{' {
		return nil, nil, errors.New("safetensors: header is not a JSON object")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &raw); err != nil {
		return nil, nil, fmt.Errorf("safetensors: header: %w", err)
	}
	var meta map[string]string
	if m, ok := raw["__metadata__"]; ok {
		if err := json.Unmarshal(m, &meta); err != nil {
			return nil, nil, fmt.Errorf("safetensors: __metadata__ must map strings to strings: %w", err)
		}
		delete(raw, "__metadata__")
	}
	buf := b[8+n:]
	type item struct {
		name string
		e    stEntry
	}
	items := make([]item, 0, len(raw))
	for name, msg := range raw {
		var e stEntry
		dec := json.NewDecoder(bytes.NewReader(msg))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: %w", name, err)
		}
		if len(e.DataOffsets) != 2 {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: data_offsets must have 2 values", name)
		}
		items = append(items, item{name, e})
	}
	sort.Slice(items, func(i, j int) bool {
		a, c := items[i].e.DataOffsets, items[j].e.DataOffsets
		if a[0] != c[0] {
			return a[0] < c[0]
		}
		return a[1] < c[1]
	})
	out := map[string]*tensor.Tensor{}
	var end int64
	for _, it := range items {
		begin, stop := it.e.DataOffsets[0], it.e.DataOffsets[1]
		if begin != end || stop < begin {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: data_offsets [%d, %d] leave a hole or overlap (previous end %d)", it.name, begin, stop, end)
		}
		bits, ok := stBits[it.e.DType]
		if !ok {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: unknown dtype %q", it.name, it.e.DType)
		}
		elems := int64(1)
		dims := make(shape.Shape, len(it.e.Shape))
		for k, d := range it.e.Shape {
			if d < 0 || (d > 0 && elems > math.MaxInt64/8/d) {
				return nil, nil, fmt.Errorf("safetensors: tensor %q: bad shape %v", it.name, it.e.Shape)
			}
			elems *= d
			dims[k] = int(d)
		}
		if elems*int64(bits) != (stop-begin)*8 {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: %s%v needs %d bytes, data_offsets give %d", it.name, it.e.DType, it.e.Shape, elems*int64(bits)/8, stop-begin)
		}
		if stop > int64(len(buf)) {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: data_offsets [%d, %d] run past the %d-byte buffer", it.name, begin, stop, len(buf))
		}
		end = stop
		dt := dtype.Invalid
		for d, s := range stDTypes {
			if s == it.e.DType {
				dt = d
			}
		}
		if dt == dtype.Invalid {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: dtype %s has no Tide type", it.name, it.e.DType)
		}
		t, err := tensor.FromBytes(dt, dims, buf[begin:stop])
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: %w", it.name, err)
		}
		out[it.name] = t
	}
	if end != int64(len(buf)) {
		return nil, nil, fmt.Errorf("safetensors: the tensors cover %d of the %d data bytes", end, len(buf))
	}
	return out, meta, nil
}
