package example

import (
	"errors"
	"math"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// field is one decoded protobuf field.
type field struct {
	num protowire.Number
	typ protowire.Type
	val []byte // the payload of a length-delimited field (aliases the input)
	u   uint64 // the value of a varint, fixed32 or fixed64 field
}

// nextField decodes the field at the start of b and returns it with the
// bytes after it. Groups, which tf.Example never uses, are skipped whole and
// returned with no value.
func nextField(b []byte) (field, []byte, error) {
	// Fast path: every field of tf.Example's messages is a length-delimited
	// field with a one-byte tag, mostly with a one-byte length. Anything
	// else, errors included, takes the general path below.
	if len(b) >= 2 && b[0] < 0x80 && b[0]&7 == byte(protowire.BytesType) && b[0]>>3 != 0 {
		n, k := uint64(b[1]), 2
		if n >= 0x80 {
			var m int
			n, m = protowire.ConsumeVarint(b[1:])
			k = 1 + m
		}
		if k > 1 && n <= uint64(len(b)-k) {
			end := k + int(n)
			return field{num: protowire.Number(b[0] >> 3), typ: protowire.BytesType, val: b[k:end:end]}, b[end:], nil
		}
	}
	return nextFieldSlow(b)
}

// nextFieldSlow is nextField for any field.
func nextFieldSlow(b []byte) (field, []byte, error) {
	num, typ, n := protowire.ConsumeTag(b)
	if n < 0 {
		return field{}, nil, parseError(n)
	}
	b = b[n:]
	f := field{num: num, typ: typ}
	switch typ {
	case protowire.VarintType:
		f.u, n = protowire.ConsumeVarint(b)
	case protowire.Fixed32Type:
		var v uint32
		v, n = protowire.ConsumeFixed32(b)
		f.u = uint64(v)
	case protowire.Fixed64Type:
		f.u, n = protowire.ConsumeFixed64(b)
	case protowire.BytesType:
		f.val, n = protowire.ConsumeBytes(b)
	default:
		n = protowire.ConsumeFieldValue(num, typ, b)
	}
	if n < 0 {
		return field{}, nil, parseError(n)
	}
	return f, b[n:], nil
}

// parseError returns the error of a protowire function's negative n,
// without the "proto:" prefix that some of them carry (whose space is
// sometimes a no-break space, on purpose).
func parseError(n int) error {
	err := protowire.ParseError(n)
	if msg, ok := strings.CutPrefix(err.Error(), "proto:"); ok {
		return errors.New(strings.TrimLeft(msg, " \u00a0"))
	}
	return err
}

// errFloatsLength reports a packed float list whose length is not a
// multiple of 4.
var errFloatsLength = errors.New("packed floats length is not a multiple of 4")

// listKind returns the kind that a Feature field number selects, or
// KindNone for an unknown field.
func listKind(f field) Kind {
	if f.typ != protowire.BytesType {
		return KindNone
	}
	switch f.num {
	case fieldBytesList:
		return KindBytes
	case fieldFloatList:
		return KindFloat
	case fieldInt64List:
		return KindInt64
	}
	return KindNone
}

// appendFloats appends the values of a FloatList message to dst, accepting
// packed and unpacked encodings in any mix.
func appendFloats(dst []float32, list []byte) ([]float32, error) {
	for len(list) > 0 {
		f, rest, err := nextField(list)
		if err != nil {
			return dst, err
		}
		list = rest
		if f.num != fieldList {
			continue
		}
		switch f.typ {
		case protowire.BytesType:
			if len(f.val)%4 != 0 {
				return dst, errFloatsLength
			}
			dst = appendPackedFloats(dst, f.val)
		case protowire.Fixed32Type:
			dst = append(dst, math.Float32frombits(uint32(f.u)))
		}
	}
	return dst, nil
}

// appendPackedFloats appends the packed floats in p, whose length is a
// multiple of 4, to dst: decoded in bulk, straight into dst's memory.
func appendPackedFloats(dst []float32, p []byte) []float32 {
	n := len(dst)
	dst = growFloats(dst, len(p)/4)
	decodeFloats(dst[n:], p)
	return dst
}

// growFloats extends s by n elements, reallocating (doubling) only when its
// capacity is short: a slice preallocated for a whole batch, as the data
// pipeline passes, is filled in place.
func growFloats(s []float32, n int) []float32 {
	if cap(s)-len(s) < n {
		t := make([]float32, len(s), max(len(s)+n, 2*cap(s)))
		copy(t, s)
		s = t
	}
	return s[:len(s)+n]
}

// appendInt64s appends the values of an Int64List message to dst, accepting
// packed and unpacked encodings in any mix.
func appendInt64s(dst []int64, list []byte) ([]int64, error) {
	for len(list) > 0 {
		f, rest, err := nextField(list)
		if err != nil {
			return dst, err
		}
		list = rest
		if f.num != fieldList {
			continue
		}
		switch f.typ {
		case protowire.BytesType:
			dst, err = appendPackedInt64s(dst, f.val)
			if err != nil {
				return dst, err
			}
		case protowire.VarintType:
			dst = append(dst, int64(f.u))
		}
	}
	return dst, nil
}

func appendPackedInt64s(dst []int64, p []byte) ([]int64, error) {
	// Every varint ends in the one byte of it below 0x80: count them to
	// allocate once.
	ends := 0
	for _, c := range p {
		if c < 0x80 {
			ends++
		}
	}
	if cap(dst)-len(dst) < ends {
		t := make([]int64, len(dst), max(len(dst)+ends, 2*cap(dst)))
		copy(t, dst)
		dst = t
	}
	for len(p) > 0 {
		if c := p[0]; c < 0x80 {
			dst = append(dst, int64(c))
			p = p[1:]
			continue
		}
		v, n := protowire.ConsumeVarint(p)
		if n < 0 {
			return dst, parseError(n)
		}
		dst = append(dst, int64(v))
		p = p[n:]
	}
	return dst, nil
}

// appendBytes appends the values of a BytesList message to dst, copied
// unless alias is set.
func appendBytes(dst [][]byte, list []byte, alias bool) ([][]byte, error) {
	for len(list) > 0 {
		f, rest, err := nextField(list)
		if err != nil {
			return dst, err
		}
		list = rest
		if f.num == fieldList && f.typ == protowire.BytesType {
			v := f.val
			if !alias {
				v = append(make([]byte, 0, len(v)), v...)
			}
			dst = append(dst, v)
		}
	}
	return dst, nil
}
