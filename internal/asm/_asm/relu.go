package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// generateRelu adds the rectifier and its gradient over float32 slices to ctx
// (part of the math set), for AVX-512F and AVX2, whole vectors only (the
// caller finishes the tail): dst[i] = g[i] where x[i] > 0 or x[i] is NaN,
// else +0, with g = x for the rectifier. A comparison "not less than or
// equal, unordered true" against zero makes the mask (a mask register, or
// lanes of ones for AVX2) and the result is g under it, zero elsewhere, so
// every lane keeps the bits of g. Large calls write with streaming stores
// (see streamWhole).
func generateRelu(ctx *build.Context) {
	for _, grad := range []bool{false, true} {
		for _, z := range []bool{true, false} {
			relu(ctx, z, grad)
		}
	}
}

func relu(c *build.Context, z, grad bool) {
	name, lanes := "Relu", 8
	if grad {
		name = "ReluGrad"
	}
	isa := "AVX2"
	if z {
		isa, lanes = "AVX512", 16
	}
	fn := name + isa
	vec := func() reg.VecVirtual { return c.YMM() }
	if z {
		vec = func() reg.VecVirtual { return c.ZMM() }
	}
	c.Function(fn)
	c.Attributes(attr.NOSPLIT)
	if grad {
		c.SignatureExpr("func(dst, x, g []float32)")
		c.Doc(fmt.Sprintf("%s sets dst[i] = g[i] where x[i] > 0 or is NaN, else +0, for i < len(dst) rounded down to %d; see the stub.", fn, lanes))
	} else {
		c.SignatureExpr("func(dst, x []float32)")
		c.Doc(fmt.Sprintf("%s sets dst[i] = x[i] where x[i] > 0 or is NaN, else +0, for i < len(dst) rounded down to %d; see the stub.", fn, lanes))
	}
	pd := c.Load(c.Param("dst").Base(), c.GP64())
	px := c.Load(c.Param("x").Base(), c.GP64())
	pg := px
	if grad {
		pg = c.Load(c.Param("g").Base(), c.GP64())
	}
	n := c.Load(c.Param("dst").Len(), c.GP64())
	shift := map[int]uint8{8: 3, 16: 4}[lanes]
	c.SHRQ(operand.U8(shift), n)
	c.SHLQ(operand.U8(shift+2), n)
	zero := vec()
	if z {
		c.VPXORD(zero, zero, zero)
	} else {
		c.VXORPS(zero, zero, zero)
	}
	off := c.GP64()
	c.XORQ(off, off)
	at := func(p reg.Register) operand.Mem { return operand.Mem{Base: p, Index: off, Scale: 1} }
	// vector emits the vector at off, streamed (and prefetching) with
	// stream set.
	vector := func(stream bool) {
		x := vec()
		if stream {
			prefetch(c, at(px))
		}
		c.VMOVUPS(at(px), x)
		if z {
			c.VCMPPS(operand.U8(cmpNLEUQ), zero, x, reg.K1)
			if grad {
				if stream {
					prefetch(c, at(pg))
				}
				c.VMOVUPS_Z(at(pg), reg.K1, x)
			} else {
				c.VMOVUPS_Z(x, reg.K1, x)
			}
		} else {
			m := vec()
			c.VCMPPS(operand.U8(cmpNLEUQ), zero, x, m)
			if grad {
				if stream {
					prefetch(c, at(pg))
				}
				c.VANDPS(at(pg), m, x)
			} else {
				c.VANDPS(x, m, x)
			}
		}
		store(c, stream, x, at(pd))
	}

	srcs := []reg.Register{px}
	if grad {
		srcs = append(srcs, pg)
	}
	streamCheck(c, n, len(srcs)+1, fn+"_long")

	alignLoop(c)
	c.Label(fn + "_loop")
	c.CMPQ(off, n)
	c.JGE(operand.LabelRef(fn + "_done"))
	vector(false)
	c.ADDQ(operand.U32(4*lanes), off)
	c.JMP(operand.LabelRef(fn + "_loop"))

	c.Label(fn + "_done")
	c.VZEROUPPER()
	c.RET()

	c.Comment("Long slices: streaming stores between an ordinary first and last vector.")
	streamWhole(c, pd, n, off, srcs, 4*lanes, fn, vector)
}

// generateSqrt adds SqrtAVX512 and SqrtAVX2 to ctx (part of the math set):
// dst[i] = √x[i] over whole vectors (the caller finishes the tail), with
// VSQRTPS, which rounds correctly as the scalar square root does; large
// calls write with streaming stores, as the rectifier's.
func generateSqrt(ctx *build.Context) {
	for _, z := range []bool{true, false} {
		sqrt(ctx, z)
	}
}

func sqrt(c *build.Context, z bool) {
	fn, lanes := "SqrtAVX2", 8
	vec := func() reg.VecVirtual { return c.YMM() }
	if z {
		fn, lanes = "SqrtAVX512", 16
		vec = func() reg.VecVirtual { return c.ZMM() }
	}
	c.Function(fn)
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr("func(dst, x []float32)")
	c.Doc(fmt.Sprintf("%s sets dst[i] = √x[i] for i < len(dst) rounded down to %d; see the stub.", fn, lanes))
	pd := c.Load(c.Param("dst").Base(), c.GP64())
	px := c.Load(c.Param("x").Base(), c.GP64())
	n := c.Load(c.Param("dst").Len(), c.GP64())
	shift := map[int]uint8{8: 3, 16: 4}[lanes]
	c.SHRQ(operand.U8(shift), n)
	c.SHLQ(operand.U8(shift+2), n)
	off := c.GP64()
	c.XORQ(off, off)
	at := func(p reg.Register) operand.Mem { return operand.Mem{Base: p, Index: off, Scale: 1} }
	vector := func(stream bool) {
		x := vec()
		if stream {
			prefetch(c, at(px))
		}
		c.VSQRTPS(at(px), x)
		store(c, stream, x, at(pd))
	}
	streamCheck(c, n, 2, fn+"_long")

	alignLoop(c)
	c.Label(fn + "_loop")
	c.CMPQ(off, n)
	c.JGE(operand.LabelRef(fn + "_done"))
	vector(false)
	c.ADDQ(operand.U32(4*lanes), off)
	c.JMP(operand.LabelRef(fn + "_loop"))
	c.Label(fn + "_done")
	c.VZEROUPPER()
	c.RET()

	c.Comment("Long slices: streaming stores between an ordinary first and last vector.")
	streamWhole(c, pd, n, off, []reg.Register{px}, 4*lanes, fn, vector)
}
