package main

import (
	"fmt"
	"os"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// generateArith adds the binary elementwise kernels of element type typ to
// ctx: add, sub, mul, div, max and min over float32 slices, with two slices
// (VV), a slice and a scalar (VS) or, where the operation does not commute,
// a scalar and a slice (SV); each for AVX-512F (16 lanes, the tail under a
// mask register) and AVX2 (8 lanes, the tail under VMASKMOVPS), four vectors
// per iteration. They give the bits of the Go loops of internal/vmath: IEEE
// arithmetic, one rounding and no FMA, and max and min as the Go compiler
// lowers them on amd64 (see arithMin). Large calls write with streaming
// stores (see stream.go).
func generateArith(ctx *build.Context, typ string) {
	if typ != "f32" {
		fmt.Fprintf(os.Stderr, "asm: no arith kernels for -type %q\n", typ)
		os.Exit(2)
	}
	a := &arithGen{c: ctx}
	for _, op := range arithOps {
		for _, kind := range op.kinds {
			for _, z := range []bool{true, false} {
				a.z = z
				a.function(op, kind)
			}
		}
	}
}

// arithOp is one binary operation: its name, the operand kinds it comes in,
// and how it computes a op b into a fresh register (b may be memory).
type arithOp struct {
	name  string
	sym   string
	kinds []string
	emit  func(g *arithGen, a reg.VecVirtual, b operand.Op) reg.VecVirtual
}

var arithOps = []arithOp{
	{"Add", "+", []string{"VV", "VS"}, func(g *arithGen, a reg.VecVirtual, b operand.Op) reg.VecVirtual {
		d := g.vec()
		g.c.VADDPS(b, a, d)
		return d
	}},
	{"Sub", "−", []string{"VV", "VS", "SV"}, func(g *arithGen, a reg.VecVirtual, b operand.Op) reg.VecVirtual {
		d := g.vec()
		g.c.VSUBPS(b, a, d)
		return d
	}},
	{"Mul", "·", []string{"VV", "VS"}, func(g *arithGen, a reg.VecVirtual, b operand.Op) reg.VecVirtual {
		d := g.vec()
		g.c.VMULPS(b, a, d)
		return d
	}},
	{"Div", "/", []string{"VV", "VS", "SV"}, func(g *arithGen, a reg.VecVirtual, b operand.Op) reg.VecVirtual {
		d := g.vec()
		g.c.VDIVPS(b, a, d)
		return d
	}},
	{"Max", "max", []string{"VV", "VS"}, (*arithGen).max},
	{"Min", "min", []string{"VV", "VS"}, (*arithGen).min},
}

// arithGen emits one kernel for one instruction set: AVX-512F with z set,
// AVX2 otherwise.
type arithGen struct {
	c    *build.Context
	z    bool
	sign reg.VecVirtual // the sign-bit mask, for max

	// The globals, each emitted once, by the first kernel that uses it.
	tail, signs       operand.Mem
	hasTail, hasSigns bool
}

func (g *arithGen) lanes() int {
	if g.z {
		return 16
	}
	return 8
}

func (g *arithGen) vec() reg.VecVirtual {
	if g.z {
		return g.c.ZMM()
	}
	return g.c.YMM()
}

func (g *arithGen) or(a, b reg.VecVirtual) reg.VecVirtual {
	d := g.vec()
	if g.z {
		g.c.VPORD(b, a, d) // VORPS on zmm needs AVX512DQ
	} else {
		g.c.VORPS(b, a, d)
	}
	return d
}

// min gives the bits of Go's min(a, b) on amd64, which the compiler lowers
// to m = MINSS(a, b); MINSS(m, a) | m. MINSS returns its second operand
// when either is NaN or both are zero, so the result is the smaller value,
// or a|b (bitwise) when either is NaN or both are ±0: −0 under +0 and a NaN
// whose payload ORs both operands. VMINPS is MINSS lane by lane.
func (g *arithGen) min(a reg.VecVirtual, b operand.Op) reg.VecVirtual {
	m, t := g.vec(), g.vec()
	g.c.VMINPS(b, a, m)
	g.c.VMINPS(a, m, t)
	return g.or(t, m)
}

// max gives the bits of Go's max(a, b) on amd64, lowered to −min(−a, −b):
// with M = VMAXPS(a, b) and T = VMAXPS(M, a), the negated MINSS sequence is
// −(−T | −M), which is T|M with the sign bit of T&M, that is
// (T|M) ^ (sign & (T^M)): +0 over −0, and for NaN the payload ORed, the
// sign ANDed.
func (g *arithGen) max(a reg.VecVirtual, b operand.Op) reg.VecVirtual {
	m, t := g.vec(), g.vec()
	g.c.VMAXPS(b, a, m)
	g.c.VMAXPS(a, m, t)
	if g.z {
		// One ternary-logic instruction: sign ? t&m : t|m.
		g.c.VPTERNLOGD(operand.U8(ternlog(func(t, m, s bool) bool {
			if s {
				return t && m
			}
			return t || m
		})), g.sign, m, t)
		return t
	}
	x := g.vec()
	g.c.VXORPS(m, t, x)
	g.c.VANDPS(g.sign, x, x)
	o := g.or(t, m)
	g.c.VXORPS(x, o, o)
	return o
}

// ternlog returns the VPTERNLOGD immediate of f(a, b, c), where a is the
// destination and first source, b the second and c the third.
func ternlog(f func(a, b, c bool) bool) uint8 {
	var imm uint8
	for i := 0; i < 8; i++ {
		if f(i&4 != 0, i&2 != 0, i&1 != 0) {
			imm |= 1 << i
		}
	}
	return imm
}

// signGlobal returns the global of sixteen sign-bit masks.
func (g *arithGen) signGlobal() operand.Mem {
	if !g.hasSigns {
		g.signs = g.c.StaticGlobal("arithc_sign")
		g.c.DataAttributes(attr.RODATA | attr.NOPTR)
		for i := 0; i < 16; i++ {
			g.c.AppendDatum(operand.U32(0x80000000))
		}
		g.hasSigns = true
	}
	return g.signs
}

// tailMaskTable returns the global of eight all-ones uint32 then eight
// zeros: the AVX2 mask of the first n lanes starts 8−n lanes in.
func (g *arithGen) tailMaskTable() operand.Mem {
	if !g.hasTail {
		g.tail = g.c.StaticGlobal("arithc_tailmask")
		g.c.DataAttributes(attr.RODATA | attr.NOPTR)
		for i := 0; i < 16; i++ {
			g.c.AppendDatum(operand.U32(map[bool]uint32{true: 0xffffffff}[i < 8]))
		}
		g.hasTail = true
	}
	return g.tail
}

// function emits op.name+kind+ISA: dst[i] = x[i] op y[i] (VV), x[i] op s
// (VS) or s op y[i] (SV) for i < len(dst).
func (g *arithGen) function(op arithOp, kind string) {
	c := g.c
	isa := "AVX2"
	if g.z {
		isa = "AVX512"
	}
	fn := op.name + kind + isa
	c.Function(fn)
	c.Attributes(attr.NOSPLIT)
	a, b := "x[i]", "y[i]"
	switch kind {
	case "VV":
		c.SignatureExpr("func(dst, x, y []float32)")
	case "VS":
		c.SignatureExpr("func(dst, x []float32, s float32)")
		b = "s"
	case "SV":
		c.SignatureExpr("func(dst []float32, s float32, y []float32)")
		a = "s"
	}
	doc := a + " " + op.sym + " " + b
	if op.sym == "max" || op.sym == "min" {
		doc = op.sym + "(" + a + ", " + b + ")"
	}
	c.Doc(fmt.Sprintf("%s sets dst[i] = %s for i < len(dst); see the stub.", fn, doc))

	pd := c.Load(c.Param("dst").Base(), c.GP64())
	n := c.Load(c.Param("dst").Len(), c.GP64())
	// pv is the slice operand, s the broadcast scalar (VS, SV) or pa the
	// first slice (VV).
	var pa, pv reg.Register
	var s reg.VecVirtual
	switch kind {
	case "VV":
		pa = c.Load(c.Param("x").Base(), c.GP64())
		pv = c.Load(c.Param("y").Base(), c.GP64())
	case "VS":
		pv = c.Load(c.Param("x").Base(), c.GP64())
	case "SV":
		pv = c.Load(c.Param("y").Base(), c.GP64())
	}
	if kind != "VV" {
		sp, err := c.Param("s").Resolve()
		if err != nil {
			panic(err)
		}
		s = g.vec()
		c.VBROADCASTSS(sp.Addr, s)
	}
	if op.name == "Max" {
		g.sign = g.vec()
		c.VMOVUPS(g.signGlobal(), g.sign)
	}
	// body computes one vector from the slice operand v (a register or
	// memory) and the first slice's vector a (VV only).
	body := func(a reg.VecVirtual, v operand.Op) reg.VecVirtual {
		switch kind {
		case "VV":
			return op.emit(g, a, v)
		case "VS":
			r, ok := v.(reg.VecVirtual)
			if !ok {
				r = g.vec()
				c.VMOVUPS(v, r)
			}
			return op.emit(g, r, s)
		}
		return op.emit(g, s, v)
	}

	lanes, vb := g.lanes(), 4*g.lanes()
	off := c.GP64()
	c.XORQ(off, off)
	at := func(p reg.Register, d int) operand.Mem {
		return operand.Mem{Base: p, Index: off, Scale: 1, Disp: d}
	}
	// step emits k vectors at off, streamed (and prefetching) with stream
	// set, and advances off and n.
	step := func(k int, stream bool) {
		rs := make([]reg.VecVirtual, k)
		for j := range rs {
			var a reg.VecVirtual
			if stream {
				prefetch(c, at(pv, j*vb))
			}
			if kind == "VV" {
				if stream {
					prefetch(c, at(pa, j*vb))
				}
				a = g.vec()
				c.VMOVUPS(at(pa, j*vb), a)
			}
			rs[j] = body(a, at(pv, j*vb))
		}
		for j, r := range rs {
			store(c, stream, r, at(pd, j*vb))
		}
		c.ADDQ(operand.U32(k*vb), off)
		c.SUBQ(operand.U32(k*lanes), n)
	}

	srcs := []reg.Register{pv}
	if kind == "VV" {
		srcs = append(srcs, pa)
	}
	streamCheck(c, n, 4*(len(srcs)+1), fn+"_long")

	c.Comment("Four vectors per iteration.")
	alignLoop(c)
	c.Label(fn + "_loop4")
	c.CMPQ(n, operand.U32(4*lanes))
	c.JL(operand.LabelRef(fn + "_loop1"))
	step(4, false)
	c.JMP(operand.LabelRef(fn + "_loop4"))

	c.Comment("Whole vectors.")
	c.Label(fn + "_loop1")
	c.CMPQ(n, operand.U32(lanes))
	c.JL(operand.LabelRef(fn + "_tail"))
	step(1, false)
	c.JMP(operand.LabelRef(fn + "_loop1"))

	c.Comment("The last 1 to lanes−1 elements, under a mask.")
	c.Label(fn + "_tail")
	c.TESTQ(n, n)
	c.JE(operand.LabelRef(fn + "_done"))
	g.partial(kind, pa, pv, pd, off, n, body)
	c.Label(fn + "_done")
	c.VZEROUPPER()
	c.RET()

	c.Comment("Long slices: a head under a mask up to a vector-aligned dst, then streaming stores.")
	c.Label(fn + "_long")
	h := streamHead(c, pd, srcs, vb, fn+"_loop4")
	c.JZ(operand.LabelRef(fn + "_stream"))
	g.partial(kind, pa, pv, pd, off, h, body)
	c.LEAQ(operand.Mem{Base: off, Index: h, Scale: 4}, off)
	c.SUBQ(h, n)
	alignLoop(c)
	c.Label(fn + "_stream")
	c.CMPQ(n, operand.U32(4*lanes))
	c.JL(operand.LabelRef(fn + "_fence"))
	step(4, true)
	c.JMP(operand.LabelRef(fn + "_stream"))
	c.Label(fn + "_fence")
	c.SFENCE()
	c.JMP(operand.LabelRef(fn + "_loop4"))
}

// partial does the first n (1 to lanes−1) elements at off: the sources are
// loaded under the mask (masked-off lanes are zero and computed harmlessly)
// and the result stored under it.
func (g *arithGen) partial(kind string, pa, pv, pd, off, n reg.Register, body func(a reg.VecVirtual, v operand.Op) reg.VecVirtual) {
	c := g.c
	at := func(p reg.Register) operand.Mem { return operand.Mem{Base: p, Index: off, Scale: 1} }
	var a reg.VecVirtual
	v := g.vec()
	if g.z {
		m := c.GP64()
		c.MOVQ(operand.U32(1), m)
		c.SHLXQ(n, m, m)
		c.DECQ(m)
		k := c.K()
		c.KMOVW(m.(reg.GPVirtual).As32(), k)
		if kind == "VV" {
			a = g.vec()
			c.VMOVUPS_Z(at(pa), k, a)
		}
		c.VMOVUPS_Z(at(pv), k, v)
		c.VMOVUPS(body(a, v), k, at(pd))
		return
	}
	// The mask of the first n lanes starts 8−n lanes into the table.
	tab := c.GP64()
	c.LEAQ(g.tailMaskTable(), tab)
	i := c.GP64()
	c.MOVQ(operand.U32(8), i)
	c.SUBQ(n, i)
	mask := g.vec()
	c.VMOVUPS(operand.Mem{Base: tab, Index: i, Scale: 4}, mask)
	if kind == "VV" {
		a = g.vec()
		c.VMASKMOVPS(at(pa), mask, a)
	}
	c.VMASKMOVPS(at(pv), mask, v)
	c.VMASKMOVPS(body(a, v), mask, at(pd))
}
