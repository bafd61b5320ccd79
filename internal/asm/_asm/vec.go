package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// vec generates the AVX-512 level-1 routines the GEMM driver uses for
// matrix-vector products: AxpyAVX512 and DotAVX512, on unit-stride slices.
type vec struct {
	elem  elemType
	lanes int
}

func (v vec) generate(c *build.Context) {
	v.axpy(c)
	v.dot(c)
}

// tailMask sets K1 to the low n bits.
func (v vec) tailMask(c *build.Context, n reg.Register) {
	m := build.GP64()
	c.MOVQ(operand.U32(1), m)
	c.SHLXQ(n, m, m)
	c.DECQ(m)
	c.KMOVW(m.(reg.GPVirtual).As32(), reg.K1)
}

func (v vec) fmaMem(c *build.Context, m operand.Op, a, acc reg.VecPhysical) {
	if v.elem.size == 4 {
		c.VFMADD231PS(m, a, acc)
	} else {
		c.VFMADD231PD(m, a, acc)
	}
}

func (v vec) loadMasked(c *build.Context, m operand.Mem, z reg.VecPhysical) {
	if v.elem.size == 4 {
		c.VMOVUPS_Z(m, reg.K1, z)
	} else {
		c.VMOVUPD_Z(m, reg.K1, z)
	}
}

func (v vec) storeMasked(c *build.Context, z reg.VecPhysical, m operand.Mem) {
	if v.elem.size == 4 {
		c.VMOVUPS(z, reg.K1, m)
	} else {
		c.VMOVUPD(z, reg.K1, m)
	}
}

func (v vec) axpy(c *build.Context) {
	t, vb := v.elem.goName, 64
	name := "AxpyAVX512"
	c.Function(name)
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr(fmt.Sprintf("func(alpha %s, x, y []%s)", t, t))
	c.Doc(name + " computes y += alpha*x; see the stub.")
	alphaArg, err := c.Param("alpha").Resolve()
	if err != nil {
		panic(err)
	}
	alpha := reg.Z31
	v.elem.broadcast(c, alphaArg.Addr, alpha)
	px := c.Load(c.Param("x").Base(), build.GP64())
	py := c.Load(c.Param("y").Base(), build.GP64())
	n := c.Load(c.Param("x").Len(), build.GP64())
	const unroll = 4
	ys := []reg.VecPhysical{reg.Z0, reg.Z1, reg.Z2, reg.Z3}

	c.Label(name + "_loop4")
	c.CMPQ(n, operand.U32(unroll*v.lanes))
	c.JL(operand.LabelRef(name + "_loop1"))
	for u, z := range ys {
		c.VMOVUPS(operand.Mem{Base: py, Disp: u * vb}, z)
	}
	for u, z := range ys {
		v.fmaMem(c, operand.Mem{Base: px, Disp: u * vb}, alpha, z)
	}
	for u, z := range ys {
		c.VMOVUPS(z, operand.Mem{Base: py, Disp: u * vb})
	}
	c.ADDQ(operand.U32(unroll*vb), px)
	c.ADDQ(operand.U32(unroll*vb), py)
	c.SUBQ(operand.U32(unroll*v.lanes), n)
	c.JMP(operand.LabelRef(name + "_loop4"))

	c.Label(name + "_loop1")
	c.CMPQ(n, operand.U32(v.lanes))
	c.JL(operand.LabelRef(name + "_tail"))
	c.VMOVUPS(operand.Mem{Base: py}, reg.Z0)
	v.fmaMem(c, operand.Mem{Base: px}, alpha, reg.Z0)
	c.VMOVUPS(reg.Z0, operand.Mem{Base: py})
	c.ADDQ(operand.U32(vb), px)
	c.ADDQ(operand.U32(vb), py)
	c.SUBQ(operand.U32(v.lanes), n)
	c.JMP(operand.LabelRef(name + "_loop1"))

	c.Label(name + "_tail")
	c.TESTQ(n, n)
	c.JE(operand.LabelRef(name + "_done"))
	v.tailMask(c, n)
	v.loadMasked(c, operand.Mem{Base: px}, reg.Z1)
	v.loadMasked(c, operand.Mem{Base: py}, reg.Z0)
	v.elem.fma(c, reg.Z1, alpha, reg.Z0)
	v.storeMasked(c, reg.Z0, operand.Mem{Base: py})
	c.Label(name + "_done")
	c.VZEROUPPER()
	c.RET()
}

func (v vec) dot(c *build.Context) {
	t, vb := v.elem.goName, 64
	name := "DotAVX512"
	c.Function(name)
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr(fmt.Sprintf("func(x, y []%s) %s", t, t))
	c.Doc(name + " returns the dot product of x and y; see the stub.")
	px := c.Load(c.Param("x").Base(), build.GP64())
	py := c.Load(c.Param("y").Base(), build.GP64())
	n := c.Load(c.Param("x").Len(), build.GP64())
	accs := []reg.VecPhysical{reg.Z0, reg.Z1, reg.Z2, reg.Z3}
	xs := []reg.VecPhysical{reg.Z4, reg.Z5, reg.Z6, reg.Z7}
	for _, z := range accs {
		c.VPXORD(z, z, z)
	}
	c.Label(name + "_loop4")
	c.CMPQ(n, operand.U32(4*v.lanes))
	c.JL(operand.LabelRef(name + "_loop1"))
	for u, z := range xs {
		c.VMOVUPS(operand.Mem{Base: px, Disp: u * vb}, z)
	}
	for u := range xs {
		v.fmaMem(c, operand.Mem{Base: py, Disp: u * vb}, xs[u], accs[u])
	}
	c.ADDQ(operand.U32(4*vb), px)
	c.ADDQ(operand.U32(4*vb), py)
	c.SUBQ(operand.U32(4*v.lanes), n)
	c.JMP(operand.LabelRef(name + "_loop4"))

	c.Label(name + "_loop1")
	c.CMPQ(n, operand.U32(v.lanes))
	c.JL(operand.LabelRef(name + "_tail"))
	c.VMOVUPS(operand.Mem{Base: px}, reg.Z4)
	v.fmaMem(c, operand.Mem{Base: py}, reg.Z4, reg.Z0)
	c.ADDQ(operand.U32(vb), px)
	c.ADDQ(operand.U32(vb), py)
	c.SUBQ(operand.U32(v.lanes), n)
	c.JMP(operand.LabelRef(name + "_loop1"))

	c.Label(name + "_tail")
	c.TESTQ(n, n)
	c.JE(operand.LabelRef(name + "_reduce"))
	v.tailMask(c, n)
	v.loadMasked(c, operand.Mem{Base: px}, reg.Z4)
	v.loadMasked(c, operand.Mem{Base: py}, reg.Z5)
	v.elem.fma(c, reg.Z5, reg.Z4, reg.Z1)

	c.Label(name + "_reduce")
	add := func(a, b, dst reg.Register) {
		if v.elem.size == 4 {
			c.VADDPS(a, b, dst)
		} else {
			c.VADDPD(a, b, dst)
		}
	}
	add(reg.Z1, reg.Z0, reg.Z0)
	add(reg.Z3, reg.Z2, reg.Z2)
	add(reg.Z2, reg.Z0, reg.Z0)
	// 512 -> 256 -> 128 bits, then within the xmm register.
	c.VEXTRACTF64X4(operand.U8(1), reg.Z0, reg.Y1)
	add(reg.Y1, reg.Y0, reg.Y0)
	c.VEXTRACTF128(operand.U8(1), reg.Y0, reg.X1)
	add(reg.X1, reg.X0, reg.X0)
	if v.elem.size == 4 {
		c.VMOVHLPS(reg.X0, reg.X0, reg.X1)
		c.VADDPS(reg.X1, reg.X0, reg.X0)
		c.VMOVSHDUP(reg.X0, reg.X1)
		c.VADDSS(reg.X1, reg.X0, reg.X0)
	} else {
		c.VMOVHLPS(reg.X0, reg.X0, reg.X1)
		c.VADDSD(reg.X1, reg.X0, reg.X0)
	}
	c.VZEROUPPER()
	c.Store(reg.X0, c.ReturnIndex(0))
	c.RET()
}
