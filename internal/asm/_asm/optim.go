package main

import (
	"fmt"
	"os"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// generateOptim adds the fused optimizer steps of element type typ to ctx:
// Adam over float32 slices, for AVX-512F (16 lanes) and AVX2 (8 lanes), whole
// vectors only (the caller finishes the tail). Each operation of the Go loop
// is one instruction, in the same order and without fused multiply-adds, and
// the square root and division are IEEE's, so the lanes give the Go loop's
// results bit for bit.
func generateOptim(ctx *build.Context, typ string) {
	if typ != "f32" {
		fmt.Fprintf(os.Stderr, "asm: no optim kernels for -type %q\n", typ)
		os.Exit(2)
	}
	for _, z := range []bool{true, false} {
		adam(ctx, z)
	}
}

// adam generates AdamAVX512 (z) or AdamAVX2.
func adam(c *build.Context, z bool) {
	name, lanes := "AdamAVX2", 8
	vec := func() reg.VecVirtual { return c.YMM() }
	if z {
		name, lanes = "AdamAVX512", 16
		vec = func() reg.VecVirtual { return c.ZMM() }
	}
	c.Function(name)
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr("func(w1, m1, v1, w, g, m, v []float32, alpha, c1, c2, eps float32)")
	c.Doc(fmt.Sprintf("%s is one Adam step of the first len(w1) rounded down to %d elements; see the stub.", name, lanes))
	ptrs := map[string]reg.GPVirtual{}
	for _, s := range []string{"w1", "m1", "v1", "w", "g", "m", "v"} {
		ptrs[s] = c.Load(c.Param(s).Base(), c.GP64()).(reg.GPVirtual)
	}
	n := c.Load(c.Param("w1").Len(), c.GP64())
	// n becomes the bytes of the whole vectors.
	shift := map[int]uint8{8: 3, 16: 4}[lanes]
	c.SHRQ(operand.U8(shift), n)
	c.SHLQ(operand.U8(shift+2), n)
	bcast := func(s string) reg.VecVirtual {
		p, err := c.Param(s).Resolve()
		if err != nil {
			panic(err)
		}
		r := vec()
		c.VBROADCASTSS(p.Addr, r)
		return r
	}
	alpha, c1, c2, eps := bcast("alpha"), bcast("c1"), bcast("c2"), bcast("eps")
	off := c.GP64()
	c.XORQ(off, off)
	at := func(s string) operand.Mem { return operand.Mem{Base: ptrs[s], Index: off, Scale: 1} }

	c.Label(name + "_loop")
	c.CMPQ(off, n)
	c.JGE(operand.LabelRef(name + "_done"))
	g, m, v := vec(), vec(), vec()
	c.VMOVUPS(at("g"), g)
	c.VMOVUPS(at("m"), m)
	c.VMOVUPS(at("v"), v)
	c.Comment("m' = m + (g - m)·c1")
	t := vec()
	c.VSUBPS(m, g, t)
	c.VMULPS(c1, t, t)
	c.VADDPS(t, m, m)
	c.Comment("v' = v + (g·g - v)·c2")
	u := vec()
	c.VMULPS(g, g, u)
	c.VSUBPS(v, u, u)
	c.VMULPS(c2, u, u)
	c.VADDPS(u, v, v)
	c.Comment("w' = w - (m'·alpha)/(√v' + eps)")
	s := vec()
	c.VSQRTPS(v, s)
	c.VADDPS(eps, s, s)
	a := vec()
	c.VMULPS(alpha, m, a)
	c.VDIVPS(s, a, a)
	w := vec()
	c.VMOVUPS(at("w"), w)
	c.VSUBPS(a, w, w)
	c.VMOVUPS(w, at("w1"))
	c.VMOVUPS(m, at("m1"))
	c.VMOVUPS(v, at("v1"))
	c.ADDQ(operand.U32(4*lanes), off)
	c.JMP(operand.LabelRef(name + "_loop"))

	c.Label(name + "_done")
	c.VZEROUPPER()
	c.RET()
}
