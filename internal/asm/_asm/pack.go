package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// packer generates the AVX-512 packing routines of one element type. Both
// write k steps of width elements to dst (dst[q*width+i]), scaled by alpha,
// with lanes past rows zeroed; width is at most two vectors.
//
//   - PackTAVX512 transposes: element (q, i) comes from src[i*ld+q], so each
//     step takes one element from each of up to 2*lanes rows.
//   - PackNAVX512 copies: element (q, i) comes from src[q*ld+i], one masked
//     load per vector.
//
// The Go side passes the masks: bit i of rmask is set for i < rows, bit i of
// wmask for i < width, lanes [0, L) in the low half and [L, 2L) next.
type packer struct {
	elem  elemType
	lanes int // elements per zmm register
}

func (pk packer) generate(c *build.Context) {
	pk.transposed(c)
	pk.copied(c)
}

// header declares a packing function and loads its common arguments; alpha
// is broadcast into Z31 only when loadAlpha is set.
func (pk packer) header(c *build.Context, name, doc string, loadAlpha bool) (dst, src, ld, k, rmask, wmask reg.GPVirtual, alpha reg.VecPhysical) {
	t := pk.elem.goName
	c.Function(name)
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr(fmt.Sprintf("func(dst, src []%s, ld, k int, rmask, wmask uint64, two bool, alpha %s)", t, t))
	c.Doc(doc)
	dst = c.Load(c.Param("dst").Base(), build.GP64()).(reg.GPVirtual)
	src = c.Load(c.Param("src").Base(), build.GP64()).(reg.GPVirtual)
	ld = c.Load(c.Param("ld"), build.GP64()).(reg.GPVirtual)
	k = c.Load(c.Param("k"), build.GP64()).(reg.GPVirtual)
	rmask = c.Load(c.Param("rmask"), build.GP64()).(reg.GPVirtual)
	wmask = c.Load(c.Param("wmask"), build.GP64()).(reg.GPVirtual)
	if loadAlpha {
		alphaArg, err := c.Param("alpha").Resolve()
		if err != nil {
			panic(err)
		}
		alpha = reg.Z31
		pk.elem.broadcast(c, alphaArg.Addr, alpha)
	}
	return
}

// masks splits a lane mask into the K registers of the two halves.
func (pk packer) masks(c *build.Context, m reg.GPVirtual, lo, hi reg.OpmaskPhysical) {
	c.KMOVW(m.As32(), lo)
	t := build.GP64()
	c.MOVQ(m, t)
	c.SHRQ(operand.U8(pk.lanes), t)
	c.KMOVW(t.As32(), hi)
}

// transposed generates PackTAVX512. It works on square blocks of lanes×lanes
// elements: lanes rows of src (one vector load each, zero vectors for rows
// past rows) are transposed in registers, so that each register holds one
// k step, scaled by alpha and stored with the width mask. A last partial
// block of k steps uses masked loads and stores only the steps it has. When
// width exceeds lanes, the second half of the rows is a second pass.
func (pk packer) transposed(c *build.Context) {
	name := "PackTAVX512"
	dst, src, ld, k, rmask, wmask, _ := pk.header(c, name,
		name+" packs k steps of a transposed block; see the stub for the loop.", false)
	size, lanes := pk.elem.size, pk.lanes
	alphaArg, err := c.Param("alpha").Resolve()
	if err != nil {
		panic(err)
	}
	c.SHLQ(operand.U8(log2(size)), ld) // ld in bytes from here on
	rows := build.GP64()
	c.POPCNTQ(rmask, rows)
	widthB := build.GP64()
	c.POPCNTQ(wmask, widthB)
	c.SHLQ(operand.U8(log2(size)), widthB)
	// K2 and K3 are the store masks of the two halves.
	pk.masks(c, wmask, reg.K2, reg.K3)
	two := c.Load(c.Param("two"), build.GP8())
	half := build.GP64() // 0 for the first pass, 1 for the second
	c.XORQ(half, half)

	c.Label(name + "_pass")
	// Rows in this pass: min(rows, lanes); rows -= that for the next pass.
	rb := build.GP64()
	c.MOVQ(rows, rb)
	c.CMPQ(rb, operand.U32(lanes))
	c.JLE(operand.LabelRef(name + "_rbok"))
	c.MOVQ(operand.U32(lanes), rb)
	c.Label(name + "_rbok")
	c.SUBQ(rb, rows)
	kLeft := build.GP64()
	c.MOVQ(k, kLeft)
	col := build.GP64() // src address of the current block's first row
	c.MOVQ(src, col)
	out := build.GP64() // dst address of the current block's first step
	c.MOVQ(dst, out)

	regs := avx512.regs
	in := regs[:lanes]
	ptr := build.GP64()
	// loadRows loads the block's rows into in (masked by K4 when masked),
	// zeroing the rows past rb.
	loadRows := func(label string, masked bool) {
		c.MOVQ(col, ptr)
		for i, r := range in {
			c.CMPQ(rb, operand.U32(i))
			c.JLE(operand.LabelRef(fmt.Sprintf("%s_zero%d", label, i)))
			m := operand.Mem{Base: ptr}
			switch {
			case masked && size == 4:
				c.VMOVUPS_Z(m, reg.K4, r)
			case masked:
				c.VMOVUPD_Z(m, reg.K4, r)
			default:
				c.VMOVUPS(m, r)
			}
			c.ADDQ(ld, ptr)
		}
		c.JMP(operand.LabelRef(label + "_loaded"))
		for i, r := range in {
			c.Label(fmt.Sprintf("%s_zero%d", label, i))
			c.VPXORD(r, r, r)
		}
		c.Label(label + "_loaded")
	}
	// storeSteps scales the transposed steps by alpha and stores the first
	// n of them (n nil: all), each with the pass's store mask (K1).
	storeSteps := func(label string, steps []reg.VecPhysical, n reg.Register) {
		c.MOVQ(out, ptr)
		for q, r := range steps {
			if n != nil {
				c.CMPQ(n, operand.U32(q))
				c.JLE(operand.LabelRef(label + "_stored"))
			}
			if size == 4 {
				c.VMULPS_BCST(alphaArg.Addr, r, r)
			} else {
				c.VMULPD_BCST(alphaArg.Addr, r, r)
			}
			pk.store(c, r, reg.K1, operand.Mem{Base: ptr})
			c.ADDQ(widthB, ptr)
		}
		c.Label(label + "_stored")
	}
	// Store mask of this pass.
	c.KMOVW(reg.K2, reg.K1)
	c.TESTQ(half, half)
	c.JE(operand.LabelRef(name + "_mask"))
	c.KMOVW(reg.K3, reg.K1)
	c.Label(name + "_mask")

	c.Comment("Full blocks of lanes steps.")
	c.Label(name + "_block")
	c.CMPQ(kLeft, operand.U32(lanes))
	c.JL(operand.LabelRef(name + "_rest"))
	loadRows(name+"_full", false)
	steps := pk.transpose(c, in, regs[lanes:2*lanes])
	storeSteps(name+"_full", steps, nil)
	c.ADDQ(operand.U32(lanes*size), col)
	c.MOVQ(widthB, ptr)
	c.SHLQ(operand.U8(log2(lanes)), ptr)
	c.ADDQ(ptr, out)
	c.SUBQ(operand.U32(lanes), kLeft)
	c.JMP(operand.LabelRef(name + "_block"))

	c.Comment("The last kLeft < lanes steps: masked loads, partial stores.")
	c.Label(name + "_rest")
	c.TESTQ(kLeft, kLeft)
	c.JE(operand.LabelRef(name + "_next"))
	kmask := build.GP64()
	c.MOVQ(operand.U32(1), kmask)
	c.SHLXQ(kLeft, kmask, kmask)
	c.DECQ(kmask)
	c.KMOVW(kmask.As32(), reg.K4)
	loadRows(name+"_part", true)
	steps = pk.transpose(c, in, regs[lanes:2*lanes])
	storeSteps(name+"_part", steps, kLeft)

	c.Label(name + "_next")
	c.TESTB(two, two)
	c.JE(operand.LabelRef(name + "_done"))
	c.TESTQ(half, half)
	c.JNE(operand.LabelRef(name + "_done"))
	c.INCQ(half)
	// Second pass: rows lanes.. of src, lanes.. of each step in dst.
	t := build.GP64()
	c.MOVQ(ld, t)
	c.SHLQ(operand.U8(log2(lanes)), t)
	c.ADDQ(t, src)
	c.ADDQ(operand.U32(lanes*size), dst)
	c.JMP(operand.LabelRef(name + "_pass"))

	c.Label(name + "_done")
	c.VZEROUPPER()
	c.RET()
}

// transpose transposes the lanes×lanes block held one row per register in
// in, using tmp (as many registers) as scratch, and returns the registers
// holding the columns, in order.
func (pk packer) transpose(c *build.Context, in, tmp []reg.VecPhysical) []reg.VecPhysical {
	n := len(in)
	if pk.elem.size == 4 {
		// Interleave pairs of rows element by element, then pairs of pairs
		// by 64-bit elements: u[4g+s] holds, in its 128-bit chunk L, column
		// 4L+s of rows 4g..4g+3.
		for j := 0; j < n/2; j++ {
			c.VUNPCKLPS(in[2*j+1], in[2*j], tmp[2*j])
			c.VUNPCKHPS(in[2*j+1], in[2*j], tmp[2*j+1])
		}
		for g := 0; g < n/4; g++ {
			t := tmp[4*g:]
			c.VUNPCKLPD(t[2], t[0], in[4*g+0])
			c.VUNPCKHPD(t[2], t[0], in[4*g+1])
			c.VUNPCKLPD(t[3], t[1], in[4*g+2])
			c.VUNPCKHPD(t[3], t[1], in[4*g+3])
		}
		out := make([]reg.VecPhysical, n)
		for s := 0; s < 4; s++ {
			u := []reg.VecPhysical{in[s], in[4+s], in[8+s], in[12+s]}
			cols := pk.chunks(c, u, tmp[4*s:4*s+4], []reg.VecPhysical{in[s], in[4+s], in[8+s], in[12+s]})
			for l := 0; l < 4; l++ {
				out[4*l+s] = cols[l]
			}
		}
		return out
	}
	// float64: interleave pairs of rows: t[2g+s] holds, in its 128-bit chunk
	// L, column 2L+s of rows 2g, 2g+1.
	for j := 0; j < n/2; j++ {
		c.VUNPCKLPD(in[2*j+1], in[2*j], tmp[2*j])
		c.VUNPCKHPD(in[2*j+1], in[2*j], tmp[2*j+1])
	}
	out := make([]reg.VecPhysical, n)
	for s := 0; s < 2; s++ {
		u := []reg.VecPhysical{tmp[s], tmp[2+s], tmp[4+s], tmp[6+s]}
		cols := pk.chunks(c, u, []reg.VecPhysical{in[s], in[2+s], in[4+s], in[6+s]}, []reg.VecPhysical{tmp[s], tmp[2+s], tmp[4+s], tmp[6+s]})
		for l := 0; l < 4; l++ {
			out[2*l+s] = cols[l]
		}
	}
	return out
}

// chunks transposes the 4×4 matrix of 128-bit chunks held in u (chunk L of
// u[g] is element (g, L)) through the scratch registers v into dst, and
// returns dst: chunk g of dst[L] is chunk L of u[g]. dst may alias u.
func (pk packer) chunks(c *build.Context, u, v, dst []reg.VecPhysical) []reg.VecPhysical {
	c.VSHUFF32X4(operand.U8(0x44), u[1], u[0], v[0]) // u0.0 u0.1 u1.0 u1.1
	c.VSHUFF32X4(operand.U8(0xEE), u[1], u[0], v[1]) // u0.2 u0.3 u1.2 u1.3
	c.VSHUFF32X4(operand.U8(0x44), u[3], u[2], v[2]) // u2.0 u2.1 u3.0 u3.1
	c.VSHUFF32X4(operand.U8(0xEE), u[3], u[2], v[3]) // u2.2 u2.3 u3.2 u3.3
	c.VSHUFF32X4(operand.U8(0x88), v[2], v[0], dst[0])
	c.VSHUFF32X4(operand.U8(0xDD), v[2], v[0], dst[1])
	c.VSHUFF32X4(operand.U8(0x88), v[3], v[1], dst[2])
	c.VSHUFF32X4(operand.U8(0xDD), v[3], v[1], dst[3])
	return dst
}

func (pk packer) copied(c *build.Context) {
	name := "PackNAVX512"
	dst, src, ld, k, rmask, wmask, alpha := pk.header(c, name,
		name+" packs k steps of a row-major block; see the stub for the loop.", true)
	size := pk.elem.size
	c.SHLQ(operand.U8(log2(size)), ld)
	pk.masks(c, rmask, reg.K4, reg.K5)
	pk.masks(c, wmask, reg.K2, reg.K3)
	width := build.GP64()
	c.POPCNTQ(wmask, width)
	c.SHLQ(operand.U8(log2(size)), width)

	load := func(off int, mask reg.OpmaskPhysical, storeMask reg.OpmaskPhysical, out reg.VecPhysical) {
		m := operand.Mem{Base: src, Disp: off}
		if size == 4 {
			c.VMOVUPS_Z(m, mask, out)
			c.VMULPS(alpha, out, out)
		} else {
			c.VMOVUPD_Z(m, mask, out)
			c.VMULPD(alpha, out, out)
		}
		pk.store(c, out, storeMask, operand.Mem{Base: dst, Disp: off})
	}
	two := c.Load(c.Param("two"), build.GP8())
	c.TESTB(two, two)
	c.JNE(operand.LabelRef(name + "_two"))

	c.Comment("One vector per step.")
	c.Label(name + "_one")
	c.TESTQ(k, k)
	c.JE(operand.LabelRef(name + "_done"))
	load(0, reg.K4, reg.K2, reg.Z0)
	c.ADDQ(ld, src)
	c.ADDQ(width, dst)
	c.DECQ(k)
	c.JMP(operand.LabelRef(name + "_one"))

	c.Comment("Two vectors per step.")
	c.Label(name + "_two")
	c.TESTQ(k, k)
	c.JE(operand.LabelRef(name + "_done"))
	load(0, reg.K4, reg.K2, reg.Z0)
	load(pk.lanes*size, reg.K5, reg.K3, reg.Z1)
	c.ADDQ(ld, src)
	c.ADDQ(width, dst)
	c.DECQ(k)
	c.JMP(operand.LabelRef(name + "_two"))

	c.Label(name + "_done")
	c.VZEROUPPER()
	c.RET()
}

// store writes the lanes of v selected by mask; the instruction must match
// the element size, since a mask selects elements of that size.
func (pk packer) store(c *build.Context, v reg.VecPhysical, mask reg.OpmaskPhysical, m operand.Mem) {
	if pk.elem.size == 4 {
		c.VMOVUPS(v, mask, m)
	} else {
		c.VMOVUPD(v, mask, m)
	}
}

func log2(n int) int {
	l := 0
	for n > 1 {
		n >>= 1
		l++
	}
	return l
}
