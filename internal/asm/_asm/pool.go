package main

import (
	"fmt"
	"os"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// generatePool adds the pooling kernels of element type typ to ctx: max
// pooling (MaxPool), the gather from the elements it selects (MaxPoolGather)
// and its gradient (MaxPoolGrad), average pooling (AvgPool) and its gradient
// (AvgPoolGrad), each for AVX-512F and for AVX2, on float32 channels-last data.
//
// Every kernel walks npix output pixels of one row whose windows have the same
// taps relative to the pixel: the taps are element offsets (offs) into the
// input-shaped slices, which advance by step elements per pixel, while the
// output-shaped slice advances by c. For each pixel the channels go in blocks
// of up to four vectors, then one masked vector, and for each block the taps
// go in window order with the block in registers.
func generatePool(ctx *build.Context, typ string) {
	if typ != "f32" {
		fmt.Fprintf(os.Stderr, "asm: no pool kernels for -type %q\n", typ)
		os.Exit(2)
	}
	laneIndex := ctx.StaticGlobal("poolIota")
	ctx.DataAttributes(attr.RODATA | attr.NOPTR)
	for i := 0; i < 8; i++ {
		ctx.AddDatum(4*i, operand.U32(i))
	}
	for _, is := range []poolISA{
		{suffix: "AVX512", name: "AVX-512F", lanes: 16, wide: true, regs: avx512.regs},
		{suffix: "AVX2", name: "AVX2", lanes: 8, regs: avx2.regs, iota: laneIndex},
	} {
		for _, k := range []poolKind{plMax, plGather, plGrad, plAvg, plAvgGrad} {
			poolGen{isa: is, kind: k}.generate(ctx)
		}
	}
}

// poolISA is the vector instruction set of a pooling kernel. With AVX-512 the
// masks are opmask registers (K1 the tail, K2 to K5 one per vector); with AVX2
// they are vectors, and the tail is loaded and stored with VMASKMOVPS.
type poolISA struct {
	suffix, name string
	lanes        int
	wide         bool // AVX-512
	regs         []reg.VecPhysical
	iota         operand.Mem // AVX2: eight int32 0..7, for the tail mask
}

type poolKind int

const (
	plMax     poolKind = iota // y = the selected element of x
	plGather                  // y = v at the selected element of x
	plGrad                    // dx at the selected element of x += dy
	plAvg                     // y = (sum of the taps of x) / n
	plAvgGrad                 // dx at every tap += dy / n
)

// poolGen generates one kernel; its fields past name are the registers of the
// function being generated.
type poolGen struct {
	isa  poolISA
	kind poolKind
	name string

	in    []reg.Register // input-shaped pointers, advancing by step per pixel
	out   reg.Register   // output-shaped pointer, advancing by c
	offs  reg.Register   // tap offsets
	ntaps reg.Register
	npix  reg.Register
	step  reg.Register // step in bytes
	jb    reg.Register // channel offset in bytes within the pixel
	rem   reg.Register // channels left in the pixel
	ti    reg.Register // tap index
	r     reg.Register // byte offset of the current tap and block from an input pointer

	inf, tail, nb reg.VecPhysical // +Inf; AVX2 tail mask; avg divisor
}

func (k poolGen) signature() (name, sig string) {
	base := map[poolKind]string{plMax: "MaxPool", plGather: "MaxPoolGather", plGrad: "MaxPoolGrad",
		plAvg: "AvgPool", plAvgGrad: "AvgPoolGrad"}[k.kind]
	sig = map[poolKind]string{
		plMax:     "func(y, x []float32, offs []int, c, npix, step int)",
		plGather:  "func(y, x, v []float32, offs []int, c, npix, step int)",
		plGrad:    "func(dx, x, dy []float32, offs []int, c, npix, step int, accumulate bool)",
		plAvg:     "func(y, x []float32, offs []int, c, npix, step int, n float32)",
		plAvgGrad: "func(dx, dy []float32, offs []int, c, npix, step int, n float32)",
	}[k.kind]
	return base + k.isa.suffix, sig
}

func (k poolGen) generate(c *build.Context) {
	name, sig := k.signature()
	k.name = name
	c.Function(name)
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr(sig)
	c.Doc(fmt.Sprintf("%s is a pooling kernel for %s; see the stub for the loop it computes.", name, k.isa.name))

	ptr := func(p string) reg.Register { return c.Load(c.Param(p).Base(), build.GP64()) }
	switch k.kind {
	case plMax, plAvg:
		k.out, k.in = ptr("y"), []reg.Register{ptr("x")}
	case plGather:
		k.out, k.in = ptr("y"), []reg.Register{ptr("x"), ptr("v")}
	case plGrad:
		k.out, k.in = ptr("dy"), []reg.Register{ptr("x"), ptr("dx")}
	case plAvgGrad:
		k.out, k.in = ptr("dy"), []reg.Register{ptr("dx")}
	}
	k.offs = ptr("offs")
	k.ntaps = c.Load(c.Param("offs").Len(), build.GP64())
	k.npix = c.Load(c.Param("npix"), build.GP64())
	k.step = c.Load(c.Param("step"), build.GP64())
	c.SHLQ(operand.U8(2), k.step)
	k.jb, k.rem, k.ti, k.r = build.GP64(), build.GP64(), build.GP64(), build.GP64()

	c.TESTQ(k.npix, k.npix)
	c.JLE(operand.LabelRef(name + "_done"))
	c.TESTQ(k.ntaps, k.ntaps)
	c.JLE(operand.LabelRef(name + "_done"))
	k.constants(c)

	c.Label(name + "_pixel")
	c.Load(c.Param("c"), k.rem)
	c.XORQ(k.jb, k.jb)
	for _, nv := range k.blocks() {
		l := fmt.Sprintf("%s_block%d", name, nv)
		c.Label(l)
		c.CMPQ(k.rem, operand.U32(nv*k.isa.lanes))
		c.JL(operand.LabelRef(fmt.Sprintf("%s_after%d", name, nv)))
		k.block(c, nv, false, l)
		c.ADDQ(operand.U32(nv*k.isa.lanes*4), k.jb)
		c.SUBQ(operand.U32(nv*k.isa.lanes), k.rem)
		c.JMP(operand.LabelRef(l))
		c.Label(fmt.Sprintf("%s_after%d", name, nv))
	}
	c.TESTQ(k.rem, k.rem)
	c.JE(operand.LabelRef(name + "_next"))
	k.block(c, 1, true, name+"_tail")

	c.Label(name + "_next")
	for _, p := range k.in {
		c.ADDQ(k.step, p)
	}
	cb := c.Load(c.Param("c"), build.GP64())
	c.SHLQ(operand.U8(2), cb)
	c.ADDQ(cb, k.out)
	c.DECQ(k.npix)
	c.JNZ(operand.LabelRef(name + "_pixel"))

	c.Label(name + "_done")
	c.VZEROUPPER()
	c.RET()
}

// blocks returns the channel block sizes, in vectors, largest first.
func (k poolGen) blocks() []int { return []int{4, 2, 1} }

// constants sets up +Inf, the tail mask of c%lanes channels and the divisor.
func (k *poolGen) constants(c *build.Context) {
	regs := k.isa.regs
	k.inf, k.tail, k.nb = regs[len(regs)-1], regs[len(regs)-2], regs[len(regs)-3]
	t := build.GP64()
	c.MOVL(operand.U32(0x7f800000), t.As32())
	k.broadcastGP(c, t, k.inf)
	rem := c.Load(c.Param("c"), build.GP64())
	c.ANDQ(operand.U32(k.isa.lanes-1), rem)
	if k.isa.wide {
		c.MOVQ(operand.U32(1), t)
		c.SHLXQ(rem, t, t)
		c.DECQ(t)
		c.KMOVW(t.As32(), reg.K1)
	} else {
		k.broadcastGP(c, rem, k.tail)
		c.VPCMPGTD(k.isa.iota, k.tail, k.tail) // rem > lane
	}
	if k.kind == plAvg || k.kind == plAvgGrad {
		n, err := c.Param("n").Resolve()
		if err != nil {
			panic(err)
		}
		c.VBROADCASTSS(n.Addr, k.nb)
	}
}

// broadcastGP sets every int32 lane of v to the low half of g.
func (k poolGen) broadcastGP(c *build.Context, g reg.Register, v reg.VecPhysical) {
	if k.isa.wide {
		c.VPBROADCASTD(g.(reg.GPVirtual).As32(), v)
		return
	}
	xr := xmmOf(v)
	c.VMOVD(g.(reg.GPVirtual).As32(), xr)
	c.VPBROADCASTD(xr, v)
}

// xmmOf returns the xmm register under a ymm one.
func xmmOf(v reg.VecPhysical) reg.VecPhysical {
	return v.AsX().(reg.VecPhysical)
}

// vb is the vector width in bytes.
func (k poolGen) vb() int { return k.isa.lanes * 4 }

// tapAt sets k.r to the byte offset of tap k.ti (or tap 0) plus the block's
// channel offset.
func (k poolGen) tapAt(c *build.Context, first bool) {
	if first {
		c.MOVQ(operand.Mem{Base: k.offs}, k.r)
	} else {
		c.MOVQ(operand.Mem{Base: k.offs, Index: k.ti, Scale: 8}, k.r)
	}
	c.LEAQ(operand.Mem{Base: k.jb, Index: k.r, Scale: 4}, k.r)
}

func (k poolGen) tapMem(p reg.Register, v int) operand.Mem {
	return operand.Mem{Base: p, Index: k.r, Scale: 1, Disp: v * k.vb()}
}

func (k poolGen) pixMem(v int) operand.Mem {
	return operand.Mem{Base: k.out, Index: k.jb, Scale: 1, Disp: v * k.vb()}
}

// load loads m into v, the tail lanes only (the rest zero) if masked.
func (k poolGen) load(c *build.Context, m operand.Mem, v reg.VecPhysical, masked bool) {
	switch {
	case !masked:
		c.VMOVUPS(m, v)
	case k.isa.wide:
		c.VMOVUPS_Z(m, reg.K1, v)
	default:
		c.VMASKMOVPS(m, k.tail, v)
	}
}

// store stores v into m, the tail lanes only if masked.
func (k poolGen) store(c *build.Context, v reg.VecPhysical, m operand.Mem, masked bool) {
	switch {
	case !masked:
		c.VMOVUPS(v, m)
	case k.isa.wide:
		c.VMOVUPS(v, reg.K1, m)
	default:
		c.VMASKMOVPS(v, k.tail, m)
	}
}

// poolMasks are the AVX-512 selection masks, one per vector of a block.
var poolMasks = []reg.OpmaskPhysical{reg.K2, reg.K3, reg.K4, reg.K5}

// tapLoop emits a loop over taps first (0 or 1) to ntaps-1, with k.r set for
// each, running body; ti holds the tap index.
func (k poolGen) tapLoop(c *build.Context, label string, first int, body func()) {
	c.MOVQ(operand.U32(first), k.ti)
	c.Label(label)
	c.CMPQ(k.ti, k.ntaps)
	c.JGE(operand.LabelRef(label + "_end"))
	k.tapAt(c, false)
	body()
	c.INCQ(k.ti)
	c.JMP(operand.LabelRef(label))
	c.Label(label + "_end")
}

// block processes nv vectors of channels of one pixel (one vector of tail
// lanes if masked), with the registers of roles.
func (k poolGen) block(c *build.Context, nv int, masked bool, label string) {
	s, g, m, t, e := k.roles()
	switch k.kind {
	case plMax, plGather, plGrad:
		k.tapAt(c, true)
		for v := 0; v < nv; v++ {
			k.load(c, k.tapMem(k.in[0], v), s[v], masked)
			switch k.kind {
			case plGather:
				k.load(c, k.tapMem(k.in[1], v), g[v], masked)
			case plGrad:
				c.VPXOR(xmmOf(g[v]), xmmOf(g[v]), xmmOf(g[v])) // tap 0 (VEX zeroes the upper lanes)
			}
		}
		k.tapLoop(c, label+"_taps", 1, func() {
			if k.kind == plGrad && !k.isa.wide {
				k.broadcastGP(c, k.ti, k.tapIndex())
			}
			for v := 0; v < nv; v++ {
				k.selectTap(c, v, masked, s, g, m[v], t[min(v, len(t)-1)])
			}
		})
		if k.kind == plGrad {
			k.scatter(c, nv, masked, label, s, g, m, t, e)
			return
		}
		res := s
		if k.kind == plGather {
			res = g
		}
		for v := 0; v < nv; v++ {
			k.store(c, res[v], k.pixMem(v), masked)
		}
	case plAvg:
		for v := 0; v < nv; v++ {
			c.VXORPS(xmmOf(s[v]), xmmOf(s[v]), xmmOf(s[v]))
		}
		k.tapLoop(c, label+"_taps", 0, func() {
			for v := 0; v < nv; v++ {
				if masked {
					k.load(c, k.tapMem(k.in[0], v), t[v], true)
					c.VADDPS(t[v], s[v], s[v])
				} else {
					c.VADDPS(k.tapMem(k.in[0], v), s[v], s[v])
				}
			}
		})
		for v := 0; v < nv; v++ {
			c.VDIVPS(k.nb, s[v], s[v])
			k.store(c, s[v], k.pixMem(v), masked)
		}
	case plAvgGrad:
		for v := 0; v < nv; v++ {
			k.load(c, k.pixMem(v), s[v], masked)
			c.VDIVPS(k.nb, s[v], s[v])
		}
		k.tapLoop(c, label+"_taps", 0, func() {
			for v := 0; v < nv; v++ {
				k.load(c, k.tapMem(k.in[0], v), t[v], masked)
				c.VADDPS(s[v], t[v], t[v]) // dx + dy/n, in the scalar loop's order
				k.store(c, t[v], k.tapMem(k.in[0], v), masked)
			}
		})
	}
}

// roles returns the vector registers of a block: s (selected x or sum), g
// (gathered v or selected tap index), m (comparison value or mask), t (the
// tap's x) and e (scratch), up to four of each (two with AVX2 where g is
// used). The last four registers hold constants: the tap index broadcast by
// scatter, the divisor, the AVX2 tail mask and +Inf.
//
// AVX2 has too few registers for a t per vector where g is used: there the
// taps are memory operands, and t (one register, free in a one-vector block)
// holds only the masked loads of the tail.
func (k poolGen) roles() (s, g, m, t, e []reg.VecPhysical) {
	r := k.isa.regs
	switch {
	case k.isa.wide:
		return r[0:4], r[4:8], r[8:12], r[16:20], r[20:24]
	case k.kind == plGather || k.kind == plGrad:
		return r[0:4], r[4:8], r[8:12], r[1:2], nil
	default:
		return r[0:4], nil, r[4:8], r[8:12], nil
	}
}

// tapIndex is the register holding the tap index in every lane, in the
// gradient kernels.
func (k poolGen) tapIndex() reg.VecPhysical { return k.isa.regs[len(k.isa.regs)-4] }

// selectTap folds the tap at k.r into vector v's selection: the tap wins
// where !(x <= noNaN(s)), that is where it is above the maximum so far or
// NaN, and nothing but a NaN beats a NaN (noNaN(s) is VMINPS(s, +Inf), which
// is +Inf for NaN). Then s takes x there, and g the gathered value or the tap
// index.
func (k poolGen) selectTap(c *build.Context, v int, masked bool, ss, gs []reg.VecPhysical, m, t reg.VecPhysical) {
	s := ss[v]
	var g reg.VecPhysical
	if gs != nil {
		g = gs[v]
	}
	c.VMINPS(k.inf, s, m) // Intel VMINPS m, s, inf: s < inf ? s : inf, and inf for NaN
	if k.isa.wide {
		k.load(c, k.tapMem(k.in[0], v), t, masked)
		win := poolMasks[v]
		if masked && k.kind == plGather {
			c.VCMPPS(operand.U8(0x09), t, m, reg.K1, win) // NGE_US: !(m >= x); tail lanes only
		} else {
			c.VCMPPS(operand.U8(0x09), t, m, win)
		}
		c.VMOVAPS(t, win, s)
		switch k.kind {
		case plGather:
			c.VMOVUPS(k.tapMem(k.in[1], v), win, g) // merge-masked load, faults suppressed
		case plGrad:
			c.VPBROADCASTD(k.ti.(reg.GPVirtual).As32(), win, g)
		}
		return
	}
	// AVX2: whole vectors straight from memory, the tail through t.
	var x operand.Op = k.tapMem(k.in[0], v)
	if masked || gs == nil {
		k.load(c, k.tapMem(k.in[0], v), t, masked)
		x = t
	}
	c.VCMPPS(operand.U8(0x09), x, m, m)
	c.VBLENDVPS(m, x, s, s)
	switch k.kind {
	case plGather:
		var src operand.Op = k.tapMem(k.in[1], v)
		if masked {
			k.load(c, k.tapMem(k.in[1], v), t, true)
			src = t
		}
		c.VBLENDVPS(m, src, g, g)
	case plGrad:
		c.VBLENDVPS(m, k.tapIndex(), g, g)
	}
}

// scatter adds dy to dx at the tap each lane selected (g holds the tap
// indices), tap by tap: the taps of one pixel are distinct elements. Unless
// accumulate is set it stores instead, 0+dy at the selected tap and 0 at the
// others, without reading dx. The registers of s, m and t are free.
func (k poolGen) scatter(c *build.Context, nv int, masked bool, label string, s, g, m, t, e []reg.VecPhysical) {
	// dy: AVX-512 keeps it in m; AVX2 reads whole vectors from memory and
	// keeps a masked tail in t.
	dy := make([]operand.Op, nv)
	for v := 0; v < nv; v++ {
		switch {
		case k.isa.wide:
			k.load(c, k.pixMem(v), m[v], masked)
			dy[v] = m[v]
		case masked:
			k.load(c, k.pixMem(v), t[0], true)
			dy[v] = t[0]
		default:
			dy[v] = k.pixMem(v)
		}
	}
	acc, err := c.Param("accumulate").Resolve()
	if err != nil {
		panic(err)
	}
	c.CMPB(acc.Addr, operand.U8(0))
	c.JE(operand.LabelRef(label + "_store"))
	k.scatterLoop(c, nv, masked, label+"_add", true, s, g, m, t, dy)
	c.JMP(operand.LabelRef(label + "_scattered"))
	c.Label(label + "_store")
	k.scatterLoop(c, nv, masked, label+"_put", false, s, g, m, t, dy)
	c.Label(label + "_scattered")
}

func (k poolGen) scatterLoop(c *build.Context, nv int, masked bool, label string, add bool, s, g, m, t []reg.VecPhysical, dy []operand.Op) {
	// The divisor's register is free in max pooling: it holds zero, or with
	// AVX2 the selection mask.
	tb, spare := k.tapIndex(), k.isa.regs[len(k.isa.regs)-3]
	if !add {
		c.VXORPS(xmmOf(spare), xmmOf(spare), xmmOf(spare))
	}
	k.tapLoop(c, label, 0, func() {
		k.broadcastGP(c, k.ti, tb)
		for v := 0; v < nv; v++ {
			mem := k.tapMem(k.in[1], v)
			if k.isa.wide {
				win, d := poolMasks[v], t[v]
				if masked {
					c.VPCMPEQD(tb, g[v], reg.K1, win)
				} else {
					c.VPCMPEQD(tb, g[v], win)
				}
				switch {
				case !add:
					c.VADDPS_Z(dy[v], spare, win, d) // 0 + dy where selected, else 0
					k.store(c, d, mem, masked)
				case masked:
					c.VMOVUPS_Z(mem, win, d)
					c.VADDPS(dy[v], d, d) // dx + dy, in the scalar loop's order
					c.VMOVUPS(d, win, mem)
				default:
					// Whole vectors, the unselected lanes stored back
					// unchanged: a masked store would not forward to the load
					// of the next window where windows overlap.
					c.VMOVUPS(mem, d)
					c.VADDPS(dy[v], d, win, d)
					c.VMOVUPS(d, mem)
				}
				continue
			}
			// AVX2: d in s[v], the sum in m[v].
			d, sum := s[v], m[v]
			if !add {
				c.VADDPS(dy[v], spare, sum) // 0 + dy
				c.VPCMPEQD(tb, g[v], d)
				c.VANDPS(sum, d, d)
				k.store(c, d, mem, masked)
				continue
			}
			// Add where selected and store the whole vector, the other lanes
			// unchanged.
			c.VPCMPEQD(tb, g[v], spare)
			k.load(c, mem, d, masked)
			c.VADDPS(dy[v], d, sum) // dx + dy, in the scalar loop's order
			c.VBLENDVPS(spare, sum, d, d)
			k.store(c, d, mem, masked)
		}
	})
}
