package example

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// A packed FloatList is the float32 values back to back, 4 little-endian
// bytes each: on a little-endian CPU, exactly the memory of a []float32.
// Decoding them is the per-byte cost of parsing image-like features, so it
// has a reference implementation and a fast one registered above it, as
// the kernels of Tide do.

// floatDecoder decodes len(dst) packed floats from p, which holds exactly
// 4*len(dst) bytes.
type floatDecoder struct {
	name   string
	decode func(dst []float32, p []byte)
}

// floatDecoders lists the implementations, the reference first; tests run
// every one. decodeFloats is the last, the fastest this CPU can run.
var (
	floatDecoders = []floatDecoder{{"generic", decodeFloatsGeneric}}
	decodeFloats  = decodeFloatsGeneric
)

func init() {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		floatDecoders = append(floatDecoders, floatDecoder{"native", decodeFloatsNative})
	}
	decodeFloats = floatDecoders[len(floatDecoders)-1].decode
}

// decodeFloatsGeneric is the reference: it works on any CPU. It reads two
// floats per 8-byte load, which is about three times as fast as a byte-wise
// loop, and avoids bounds checks inside the loop.
func decodeFloatsGeneric(dst []float32, p []byte) {
	p = p[:4*len(dst)]
	i := 0
	for ; i+2 <= len(dst); i += 2 {
		v := binary.LittleEndian.Uint64(p[4*i : 4*i+8 : 4*i+8])
		d := dst[i : i+2 : i+2]
		d[0] = math.Float32frombits(uint32(v))
		d[1] = math.Float32frombits(uint32(v >> 32))
	}
	if i < len(dst) {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
	}
}

// decodeFloatsNative copies the bytes into dst's memory: one memmove, an
// order of magnitude faster than decoding each value. It is registered only
// where the CPU is little-endian, where the wire bytes are the in-memory
// representation of the floats.
//
// The unsafe byte view of dst is sound: float32 holds no pointers, every bit
// pattern is a valid float32 (NaN payloads are kept bit for bit, as
// math.Float32frombits keeps them), a byte view needs no alignment, and the
// view covers exactly dst's 4*len(dst) bytes.
func decodeFloatsNative(dst []float32, p []byte) {
	if len(dst) == 0 {
		return
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), 4*len(dst)), p[:4*len(dst)])
}
