package main

import (
	"fmt"
	"math"
	"os"
	"sort"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// generateMath adds the transcendental-function kernels of element type typ
// to ctx: exp, log, tanh, sigmoid and erf over float32 slices (and the
// rectifier, its gradient and the square root, see relu.go), each for
// AVX-512F (16 lanes, the tail under a mask register) and for AVX2 and FMA
// (8 lanes, the tail under VMASKMOVPS). Exp, log and tanh evaluate in
// float32 lanes with the classic Cephes reductions and polynomials; sigmoid
// and erf in float64 lanes, rounding once. Large calls write with streaming
// stores (see stream.go). See the stub file for the contracts and
// internal/asm/f32's documentation for the measured errors.
func generateMath(ctx *build.Context, typ string) {
	if typ != "f32" {
		fmt.Fprintf(os.Stderr, "asm: no math kernels for -type %q\n", typ)
		os.Exit(2)
	}
	cs := &mathConsts{ctx: ctx, mem: map[string]operand.Mem{}}
	funcs := []struct {
		name string
		body func(g *mathGen, x reg.VecVirtual) reg.VecVirtual
		doc  string
	}{
		{"Exp", (*mathGen).exp, "dst[i] = e^x[i]"},
		{"Log", (*mathGen).log, "dst[i] = ln x[i]"},
		{"Tanh", (*mathGen).tanh, "dst[i] = tanh x[i]"},
		{"Sigmoid", (*mathGen).sigmoid, "dst[i] = 1/(1+e^-x[i])"},
		{"Erf", (*mathGen).erf, "dst[i] = erf x[i]"},
	}
	for _, f := range funcs {
		for _, avx512 := range []bool{true, false} {
			g := &mathGen{consts: cs, z: avx512}
			g.function(ctx, f.name, f.doc, f.body)
		}
	}
	generateRelu(ctx)
	generateSqrt(ctx)
}

// mathConsts holds the constants of the math kernels as read-only globals of
// sixteen equal uint32, or eight equal uint64 (64 bytes: a memory operand of
// either instruction set), each emitted once.
type mathConsts struct {
	ctx *build.Context
	mem map[string]operand.Mem
}

// The constants by name: float32 values as their bits.
var mathConstBits = map[string]uint32{
	"zero":     0,
	"one":      f32bits(1),
	"two":      f32bits(2),
	"half":     f32bits(0.5),
	"mhalf":    f32bits(-0.5),
	"abs":      0x7fffffff,
	"sign":     0x80000000,
	"inf":      0x7f800000,
	"ninf":     0xff800000,
	"nan":      0x7fc00000,
	"max":      0x7f7fffff, // the largest float32
	"magic":    f32bits(0x1.8p23),
	"bias":     127,
	"log2e":    f32bits(math.Log2E),
	"ln2hi":    f32bits(0.693359375), // 9 bits: n·ln2hi is exact and x − n·ln2hi too
	"ln2lo":    f32bits(-2.12194440e-4),
	"explo":    f32bits(-104), // e^-104 rounds to 0 in float32
	"exphi":    f32bits(89),   // e^89 overflows
	"exp5":     f32bits(1.9875691500e-4),
	"exp4":     f32bits(1.3981999507e-3),
	"exp3":     f32bits(8.3334519073e-3),
	"exp2":     f32bits(4.1665795894e-2),
	"exp1":     f32bits(1.6666665459e-1),
	"exp0":     f32bits(5.0000001201e-1),
	"tiny":     0x00800000, // the smallest normal float32
	"p23":      f32bits(0x1p23),
	"f23":      f32bits(23),
	"logoff":   0x3f800000 - 0x3f3504f3, // moves [√½, √2) to [1, 2) in the exponent field
	"sqrthalf": 0x3f3504f3,              // √½
	"mant":     0x007fffff,
	"log8":     f32bits(7.0376836292e-2),
	"log7":     f32bits(-1.1514610310e-1),
	"log6":     f32bits(1.1676998740e-1),
	"log5":     f32bits(-1.2420140846e-1),
	"log4":     f32bits(1.4249322787e-1),
	"log3":     f32bits(-1.6668057665e-1),
	"log2":     f32bits(2.0000714765e-1),
	"log1":     f32bits(-2.4999993993e-1),
	"log0":     f32bits(3.3333331174e-1),
	"tanhlim":  f32bits(0.625),
	"tanhhi":   f32bits(10), // tanh(10) rounds to 1
	"tanh4":    f32bits(-5.70498872745e-3),
	"tanh3":    f32bits(2.06390887954e-2),
	"tanh2":    f32bits(-5.37397155531e-2),
	"tanh1":    f32bits(1.33314422036e-1),
	"tanh0":    f32bits(-3.33332819422e-1),
}

func f32bits(v float64) uint32 { return math.Float32bits(float32(v)) }

// The float64 constants of the sigmoid, which evaluates in float64 lanes:
// e^r ≈ Σ r^k/k!, k <= 9, within 7e-12 relative on |r| <= ln2/2.
var mathConst64 = map[string]uint64{
	"d_zero":  0,
	"d_one":   math.Float64bits(1),
	"d_sign":  1 << 63,
	"d_lo":    math.Float64bits(-104),
	"d_log2e": math.Float64bits(math.Log2E),
	"d_magic": math.Float64bits(0x1.8p52),
	"d_ln2":   math.Float64bits(math.Ln2),
	"d_bias":  1023,
	"d_c2":    math.Float64bits(1.0 / 2),
	"d_c3":    math.Float64bits(1.0 / 6),
	"d_c4":    math.Float64bits(1.0 / 24),
	"d_c5":    math.Float64bits(1.0 / 120),
	"d_c6":    math.Float64bits(1.0 / 720),
	"d_c7":    math.Float64bits(1.0 / 5040),
	"d_c8":    math.Float64bits(1.0 / 40320),
	"d_c9":    math.Float64bits(1.0 / 362880),
	// erf(x) ≈ x·P(x²)/Q(x²) on |x| <= 3.92, within 1.9e-9 relative, and ±1
	// in float32 beyond (internal/vmath's coefficients, fitted by its
	// _fit/fit.py).
	"d_erfhi": math.Float64bits(3.92),
	"d_erflo": math.Float64bits(-3.92),
	"d_erfp0": math.Float64bits(0x1.20dd750429b6dp+0),
	"d_erfp1": math.Float64bits(0x1.7b59626473b34p-3),
	"d_erfp2": math.Float64bits(0x1.bc4b4f3436f3dp-5),
	"d_erfp3": math.Float64bits(0x1.f7494372342e2p-9),
	"d_erfp4": math.Float64bits(0x1.8a2c9b650f1bep-12),
	"d_erfp5": math.Float64bits(0x1.33a2b86d05400p-18),
	"d_erfp6": math.Float64bits(-0x1.b3885c3800000p-27),
	"d_erfq1": math.Float64bits(0x1.fd6d982131f54p-2),
	"d_erfq2": math.Float64bits(0x1.d282330b8c8b1p-4),
	"d_erfq3": math.Float64bits(0x1.f995f6c443be5p-7),
	"d_erfq4": math.Float64bits(0x1.54f43cbab201ap-10),
	"d_erfq5": math.Float64bits(0x1.04bae74057730p-14),
}

func (cs *mathConsts) get(name string) operand.Mem {
	if m, ok := cs.mem[name]; ok {
		return m
	}
	m := cs.ctx.StaticGlobal("mathc_" + name)
	cs.ctx.DataAttributes(attr.RODATA | attr.NOPTR)
	if bits, ok := mathConst64[name]; ok {
		for i := 0; i < 8; i++ {
			cs.ctx.AppendDatum(operand.U64(bits))
		}
		cs.mem[name] = m
		return m
	}
	bits, ok := mathConstBits[name]
	if !ok {
		panic("asm: unknown math constant " + name)
	}
	for i := 0; i < 16; i++ {
		cs.ctx.AppendDatum(operand.U32(bits))
	}
	cs.mem[name] = m
	return m
}

// tailMaskTable returns the global of eight all-ones uint32 then eight
// zeros: the AVX2 mask of the first n lanes starts 8−n lanes in.
func (cs *mathConsts) tailMaskTable() operand.Mem {
	if m, ok := cs.mem["#tail"]; ok {
		return m
	}
	m := cs.ctx.StaticGlobal("mathc_tailmask")
	cs.ctx.DataAttributes(attr.RODATA | attr.NOPTR)
	for i := 0; i < 16; i++ {
		cs.ctx.AppendDatum(operand.U32(map[bool]uint32{true: 0xffffffff}[i < 8]))
	}
	cs.mem["#tail"] = m
	return m
}

// mathGen emits one kernel for one instruction set. With z set it is
// AVX-512F: constants live in zmm registers loaded before the loop, masks in
// opmask registers. Otherwise it is AVX2: constants are memory operands and
// masks are ymm registers of all-ones or zero lanes.
type mathGen struct {
	c      *build.Context
	consts *mathConsts
	z      bool
	// dry is set while the body is emitted into a scratch context to learn
	// which constants it uses; regs holds the AVX-512 constant registers.
	dry  bool
	used map[string]int
	regs map[string]reg.VecVirtual
}

func (g *mathGen) lanes() int {
	if g.z {
		return 16
	}
	return 8
}

func (g *mathGen) vec() reg.VecVirtual {
	if g.z {
		return g.c.ZMM()
	}
	return g.c.YMM()
}

// mathKeepRegs is how many constants an AVX-512 kernel keeps in registers
// (its most used ones); the others are memory operands. avo's register
// allocator does not spill, and the logarithm fails to allocate above 16.
const mathKeepRegs = 16

// k returns constant name as an operand: a register where the AVX-512
// kernel keeps it in one, else memory. Only the last source of an
// instruction may be memory.
func (g *mathGen) k(name string) operand.Op {
	if g.dry {
		g.used[name]++
		return g.vec()
	}
	if v, ok := g.regs[name]; ok {
		return v
	}
	return g.consts.get(name)
}

// kreg returns constant name in a register, loading a fresh one where it is
// not kept in one.
func (g *mathGen) kreg(name string) reg.VecVirtual {
	op := g.k(name)
	if v, ok := op.(reg.VecVirtual); ok {
		return v
	}
	v := g.vec()
	g.c.VMOVUPS(op, v)
	return v
}

// kcopy returns a fresh register holding constant name, for in-place use.
func (g *mathGen) kcopy(name string) reg.VecVirtual {
	op := g.k(name)
	if _, ok := op.(reg.VecVirtual); !ok {
		return g.kreg(name)
	}
	v := g.vec()
	g.c.VMOVAPS(op, v)
	return v
}

// Arithmetic with fresh destinations. b may be a memory operand.
func (g *mathGen) add(a reg.VecVirtual, b operand.Op) reg.VecVirtual {
	d := g.vec()
	g.c.VADDPS(b, a, d)
	return d
}

func (g *mathGen) sub(a reg.VecVirtual, b operand.Op) reg.VecVirtual {
	d := g.vec()
	g.c.VSUBPS(b, a, d)
	return d
}

func (g *mathGen) mul(a reg.VecVirtual, b operand.Op) reg.VecVirtual {
	d := g.vec()
	g.c.VMULPS(b, a, d)
	return d
}

// horner sets p = p·x + c for each named coefficient c in turn, p starting
// at the constant first.
func (g *mathGen) horner(x reg.VecVirtual, first string, rest ...string) reg.VecVirtual {
	p := g.kcopy(first)
	for _, c := range rest {
		g.c.VFMADD213PS(g.k(c), x, p)
	}
	return p
}

// Bitwise operations, which AVX-512F has only in their integer form.
func (g *mathGen) and(a reg.VecVirtual, b operand.Op) reg.VecVirtual {
	d := g.vec()
	if g.z {
		g.c.VPANDD(b, a, d)
	} else {
		g.c.VANDPS(b, a, d)
	}
	return d
}

func (g *mathGen) or(a reg.VecVirtual, b operand.Op) reg.VecVirtual {
	d := g.vec()
	if g.z {
		g.c.VPORD(b, a, d)
	} else {
		g.c.VORPS(b, a, d)
	}
	return d
}

// Comparison predicates of VCMPPS.
const (
	cmpEQ    = 0x00 // equal, ordered
	cmpLT    = 0x01 // less than, ordered
	cmpNLEUQ = 0x06 // not less or equal: true for unordered
)

// cmp returns the mask of a pred b.
func (g *mathGen) cmp(pred uint8, a reg.VecVirtual, b operand.Op) reg.Register {
	if g.z {
		m := g.c.K()
		g.c.VCMPPS(operand.U8(pred), b, a, m)
		return m
	}
	m := g.vec()
	g.c.VCMPPS(operand.U8(pred), b, a, m)
	return m
}

// blend sets d = mask ? t : f, lane by lane, and returns d, which must be t
// or f, a register the caller no longer needs; t may be a memory operand
// when d is f. avo counts the destination of a merge-masked instruction
// such as VBLENDMPS as read: a fresh one would be live from the function's
// entry to the blend, in every loop on the way, and such phantom values
// exhaust the registers of the logarithm.
func (g *mathGen) blend(d reg.VecVirtual, mask reg.Register, t operand.Op, f reg.VecVirtual) reg.VecVirtual {
	if d != t && d != f {
		panic("asm: blend into a third register")
	}
	if g.z {
		g.c.VBLENDMPS(t, f, mask, d)
	} else {
		g.c.VBLENDVPS(mask, t, f, d)
	}
	return d
}

// masked returns mask ? constant name : +0, lane by lane.
func (g *mathGen) masked(mask reg.Register, name string) reg.VecVirtual {
	d := g.vec()
	if g.z {
		g.c.VMOVUPS_Z(g.k(name), mask, d) // zeroing: d is not read
	} else {
		g.c.VANDPS(g.k(name), mask, d)
	}
	return d
}

// clamp returns x limited to [lo, hi], keeping NaN: the min and max return
// their second source (in Intel order) when either is NaN, so x goes there.
func (g *mathGen) clamp(x reg.VecVirtual, lo, hi string) reg.VecVirtual {
	d := g.vec()
	if hi != "" {
		g.c.VMINPS(x, g.kreg(hi), d)
		x = d
	}
	if lo != "" {
		d = g.vec()
		g.c.VMAXPS(x, g.kreg(lo), d)
	}
	return d
}

// expCore returns e^x for x in [-104, 89] (or NaN): x = n·ln2 + r with
// |r| <= ln2/2, e^r = 1 + r + r²·P(r) (Cephes expf), scaled by 2^n with a
// single rounding, so that subnormal results round once and e^89 is +Inf.
// It clobbers x.
func (g *mathGen) expCore(x reg.VecVirtual) reg.VecVirtual {
	c := g.c
	// t = x·log2e + 1.5·2^23 rounds x·log2e to an integer n, held in the low
	// bits of t; nf = n as a float.
	t := g.kcopy("log2e")
	c.VFMADD213PS(g.k("magic"), x, t)
	nf := g.sub(t, g.k("magic"))
	c.VFNMADD231PS(g.k("ln2hi"), nf, x) // exact
	c.VFNMADD231PS(g.k("ln2lo"), nf, x)
	p := g.horner(x, "exp5", "exp4", "exp3", "exp2", "exp1", "exp0")
	r2 := g.mul(x, x)
	y := g.add(x, g.k("one"))
	c.VFMADD231PS(p, r2, y)
	d := g.vec()
	if g.z {
		c.VSCALEFPS(nf, y, d) // y·2^nf, rounded once
		return d
	}
	// 2^n as two normal powers of two, 2^(n>>1) and 2^(n−n>>1): y·2^(n>>1)
	// is exact and the second product rounds once.
	n := g.vec()
	c.VPSUBD(g.k("magic"), t, n)
	n1 := g.vec()
	c.VPSRAD(operand.U8(1), n, n1)
	c.VPSUBD(n1, n, n)
	c.VPADDD(g.k("bias"), n1, n1)
	c.VPADDD(g.k("bias"), n, n)
	c.VPSLLD(operand.U8(23), n1, n1)
	c.VPSLLD(operand.U8(23), n, n)
	c.VMULPS(n1, y, d)
	c.VMULPS(n, d, d)
	return d
}

// exp is e^x: x clamped to [-104, 89], where the results end in 0 and +Inf.
func (g *mathGen) exp(x reg.VecVirtual) reg.VecVirtual {
	return g.expCore(g.clamp(x, "explo", "exphi"))
}

// log is ln x (Cephes logf): x = 2^e·m with m in [√½, √2) by integer
// arithmetic on the bits (subnormals scaled by 2^23 first), then
// ln m = f − f²/2 + f³·P(f) with f = m − 1, and e·ln2 added in two parts.
// Zero, negative, infinite and NaN inputs are blended in at the end.
func (g *mathGen) log(x reg.VecVirtual) reg.VecVirtual {
	c := g.c
	small := g.cmp(cmpLT, x, g.k("tiny"))
	xs := g.mul(x, g.k("p23"))
	g.blend(xs, small, xs, x)
	eadj := g.masked(small, "f23")
	u := g.vec()
	c.VPADDD(g.k("logoff"), xs, u)
	e := g.vec()
	c.VPSRLD(operand.U8(23), u, e)
	c.VPSUBD(g.k("bias"), e, e)
	ef := g.vec()
	c.VCVTDQ2PS(e, ef)
	c.VSUBPS(eadj, ef, ef)
	m := g.and(u, g.k("mant"))
	c.VPADDD(g.k("sqrthalf"), m, m)
	f := g.sub(m, g.k("one")) // exact
	z := g.mul(f, f)
	y := g.horner(f, "log8", "log7", "log6", "log5", "log4", "log3", "log2", "log1", "log0")
	c.VMULPS(f, y, y)
	c.VMULPS(z, y, y)
	c.VFMADD231PS(g.k("ln2lo"), ef, y)
	c.VFMADD231PS(g.k("mhalf"), z, y)
	r := g.add(f, y)
	c.VFMADD231PS(g.k("ln2hi"), ef, r)
	// ln 0 = −Inf, ln of a negative = NaN, ln +Inf = +Inf, ln NaN = NaN.
	g.blend(r, g.cmp(cmpEQ, x, g.k("zero")), g.k("ninf"), r)
	g.blend(r, g.cmp(cmpLT, x, g.k("zero")), g.k("nan"), r)
	return g.blend(r, g.cmp(cmpNLEUQ, x, g.k("max")), x, r)
}

// tanh is x + x³·P(x²) (Cephes tanhf) for |x| < 0.625, else
// ±(1 − 2/(e^(2|x|) + 1)) with |x| clamped to 10, where tanh rounds to 1.
// NaN takes the second branch and stays NaN.
func (g *mathGen) tanh(x reg.VecVirtual) reg.VecVirtual {
	c := g.c
	a := g.and(x, g.k("abs"))
	sign := g.and(x, g.k("sign"))
	small := g.cmp(cmpLT, a, g.k("tanhlim"))
	z := g.mul(x, x)
	p := g.horner(z, "tanh4", "tanh3", "tanh2", "tanh1", "tanh0")
	c.VMULPS(z, p, p)
	c.VFMADD213PS(x, x, p) // x·p + x
	a = g.clamp(a, "", "tanhhi")
	c.VADDPS(a, a, a)
	e := g.expCore(a)
	c.VADDPS(g.k("one"), e, e)
	q := g.vec()
	c.VDIVPS(e, g.kreg("two"), q)
	t := g.vec()
	c.VSUBPS(q, g.kreg("one"), t)
	// The sign goes on after the blend: it is already on the small
	// branch's results but for −0, where x + x·p rounds to +0.
	return g.or(g.blend(t, small, p, t), sign)
}

// sigmoid converts x to float64 and evaluates e/(1+e) there, e = e^-|x| and
// the numerator e for negative x and 1 otherwise, so that results near 0
// keep their relative accuracy and the one rounding to float32 makes them
// correctly rounded but for near-ties.
func (g *mathGen) sigmoid(x reg.VecVirtual) reg.VecVirtual {
	return g.wide(x, (*mathGen).sigmoid64)
}

// erf converts x to float64 and evaluates x·P(x²)/Q(x²) there, x clamped to
// ±3.92, beyond which erf rounds to ±1 in float32 (NaN stays NaN).
func (g *mathGen) erf(x reg.VecVirtual) reg.VecVirtual {
	return g.wide(x, (*mathGen).erf64)
}

// erf64 is erf of the float64 lanes of x.
func (g *mathGen) erf64(x reg.VecVirtual) reg.VecVirtual {
	c := g.c
	cl := g.vec()
	c.VMINPD(x, g.kreg("d_erfhi"), cl) // NaN stays in x (the second source)
	c.VMAXPD(cl, g.kreg("d_erflo"), cl)
	t := g.vec()
	c.VMULPD(cl, cl, t)
	p := g.kcopy("d_erfp6")
	for _, k := range []string{"d_erfp5", "d_erfp4", "d_erfp3", "d_erfp2", "d_erfp1", "d_erfp0"} {
		c.VFMADD213PD(g.k(k), t, p)
	}
	q := g.kcopy("d_erfq5")
	for _, k := range []string{"d_erfq4", "d_erfq3", "d_erfq2", "d_erfq1", "d_one"} {
		c.VFMADD213PD(g.k(k), t, q)
	}
	c.VMULPD(cl, p, p)
	c.VDIVPD(q, p, p)
	return p
}

// wide converts the float32 lanes of x to two vectors of float64, applies f
// to each and converts the results back, rounding once.
func (g *mathGen) wide(x reg.VecVirtual, f func(*mathGen, reg.VecVirtual) reg.VecVirtual) reg.VecVirtual {
	c := g.c
	lo, hi := g.vec(), g.vec()
	d := g.vec()
	if g.z {
		c.VCVTPS2PD(x.AsY(), lo)
		h := c.YMM()
		c.VEXTRACTF64X4(operand.U8(1), x, h)
		c.VCVTPS2PD(h, hi)
		lo, hi = f(g, lo), f(g, hi)
		l, h2 := c.YMM(), c.YMM()
		c.VCVTPD2PS(lo, l)
		c.VCVTPD2PS(hi, h2)
		c.VINSERTF64X4(operand.U8(1), h2, l.AsZ(), d)
		return d
	}
	c.VCVTPS2PD(x.AsX(), lo)
	h := c.XMM()
	c.VEXTRACTF128(operand.U8(1), x, h)
	c.VCVTPS2PD(h, hi)
	lo, hi = f(g, lo), f(g, hi)
	l, h2 := c.XMM(), c.XMM()
	c.VCVTPD2PSY(lo, l)
	c.VCVTPD2PSY(hi, h2)
	c.VINSERTF128(operand.U8(1), h2, l.AsY(), d)
	return d
}

// sigmoid64 is the sigmoid of the float64 lanes of x: e^-|x| (clamped to
// e^-104, where float32 results are 0) from x = n·ln2 + r, |r| <= ln2/2, a
// degree-9 polynomial and 2^n, then a float64 division.
func (g *mathGen) sigmoid64(x reg.VecVirtual) reg.VecVirtual {
	c := g.c
	neg := g.vec64mask(x)
	a := g.vec()
	if g.z {
		c.VPORQ(g.k("d_sign"), x, a)
	} else {
		c.VORPD(g.k("d_sign"), x, a)
	}
	c.VMAXPD(a, g.kreg("d_lo"), a) // NaN stays in a (the second source)
	t := g.kcopy("d_log2e")
	c.VFMADD213PD(g.k("d_magic"), a, t)
	nf := g.vec()
	c.VSUBPD(g.k("d_magic"), t, nf)
	c.VFNMADD231PD(g.k("d_ln2"), nf, a)
	p := g.kcopy("d_c9")
	for _, k := range []string{"d_c8", "d_c7", "d_c6", "d_c5", "d_c4", "d_c3", "d_c2", "d_one", "d_one"} {
		c.VFMADD213PD(g.k(k), a, p)
	}
	e := g.vec()
	if g.z {
		c.VSCALEFPD(nf, p, e)
	} else {
		// 2^n for n in [-151, 0] is a normal float64: (n + 1023) << 52.
		n := g.vec()
		c.VPSUBQ(g.k("d_magic"), t, n)
		c.VPADDQ(g.k("d_bias"), n, n)
		c.VPSLLQ(operand.U8(52), n, n)
		c.VMULPD(n, p, e)
	}
	den := g.vec()
	c.VADDPD(g.k("d_one"), e, den)
	// The numerator over e, which is no longer needed (see blend).
	if g.z {
		c.VBLENDMPD(e, g.kreg("d_one"), neg, e)
	} else {
		c.VBLENDVPD(neg, e, g.kreg("d_one"), e)
	}
	c.VDIVPD(den, e, e)
	return e
}

// vec64mask returns the mask of the float64 lanes of x below 0.
func (g *mathGen) vec64mask(x reg.VecVirtual) reg.Register {
	if g.z {
		m := g.c.K()
		g.c.VCMPPD(operand.U8(cmpLT), g.k("d_zero"), x, m)
		return m
	}
	m := g.vec()
	g.c.VCMPPD(operand.U8(cmpLT), g.k("d_zero"), x, m)
	return m
}

// partial emits body over the first n (1 <= n < lanes) elements at px,
// storing them at pd under a mask.
func (g *mathGen) partial(px, pd, n reg.Register, body func(*mathGen, reg.VecVirtual) reg.VecVirtual) {
	c := g.c
	x := g.vec()
	if g.z {
		m := c.GP64()
		c.MOVQ(operand.U32(1), m)
		c.SHLXQ(n, m, m)
		c.DECQ(m)
		k := c.K()
		c.KMOVW(m.(reg.GPVirtual).As32(), k)
		c.VMOVUPS_Z(operand.Mem{Base: px}, k, x)
		c.VMOVUPS(body(g, x), k, operand.Mem{Base: pd})
		return
	}
	// The mask of the first n lanes starts 8−n lanes into the table.
	tab := c.GP64()
	c.LEAQ(g.consts.tailMaskTable(), tab)
	off := c.GP64()
	c.MOVQ(operand.U32(8), off)
	c.SUBQ(n, off)
	mask := g.vec()
	c.VMOVUPS(operand.Mem{Base: tab, Index: off, Scale: 4}, mask)
	c.VMASKMOVPS(operand.Mem{Base: px}, mask, x)
	c.VMASKMOVPS(body(g, x), mask, operand.Mem{Base: pd})
}

// function emits name+ISA: dst[i] = f(x[i]) for i < len(dst).
func (g *mathGen) function(ctx *build.Context, name, doc string, body func(*mathGen, reg.VecVirtual) reg.VecVirtual) {
	isa := "AVX2"
	if g.z {
		isa = "AVX512"
		// A dry run into a scratch context lists the constants the body uses.
		g.dry, g.c, g.used = true, build.NewContext(), map[string]int{}
		g.c.Function("dry")
		body(g, g.vec())
		g.dry = false
	}
	g.c = ctx
	c := ctx
	fn := name + isa
	c.Function(fn)
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr("func(dst, x []float32)")
	c.Doc(fmt.Sprintf("%s sets %s for i < len(dst); see the stub.", fn, doc))
	pd := c.Load(c.Param("dst").Base(), c.GP64())
	px := c.Load(c.Param("x").Base(), c.GP64())
	n := c.Load(c.Param("dst").Len(), c.GP64())
	if g.z {
		names := make([]string, 0, len(g.used))
		for k := range g.used {
			names = append(names, k)
		}
		sort.Slice(names, func(i, j int) bool {
			a, b := names[i], names[j]
			return g.used[a] > g.used[b] || g.used[a] == g.used[b] && a < b
		})
		regs := map[string]reg.VecVirtual{}
		for _, k := range names[:min(len(names), mathKeepRegs)] {
			v := g.vec()
			c.VMOVUPS(g.consts.get(k), v)
			regs[k] = v
		}
		g.regs = regs
	}
	lanes, vb := g.lanes(), 4*g.lanes()
	// loop emits the loop over whole vectors, labelled name, which streams
	// with stream set and leaves by exit.
	loop := func(name, exit string, stream bool) {
		alignLoop(c)
		c.Label(name)
		c.CMPQ(n, operand.U32(lanes))
		c.JL(operand.LabelRef(exit))
		x := g.vec()
		if stream || g.z {
			prefetch(c, operand.Mem{Base: px})
		}
		c.VMOVUPS(operand.Mem{Base: px}, x)
		store(c, stream, body(g, x), operand.Mem{Base: pd})
		c.ADDQ(operand.U32(vb), px)
		c.ADDQ(operand.U32(vb), pd)
		c.SUBQ(operand.U32(lanes), n)
		c.JMP(operand.LabelRef(name))
	}

	streamCheck(c, n, 8, fn+"_long")

	c.Comment("Whole vectors.")
	loop(fn+"_loop", fn+"_tail", false)

	c.Comment("The last 1 to lanes−1 elements, under a mask.")
	c.Label(fn + "_tail")
	c.TESTQ(n, n)
	c.JE(operand.LabelRef(fn + "_done"))
	g.partial(px, pd, n, body)
	c.Label(fn + "_done")
	c.VZEROUPPER()
	c.RET()

	c.Comment("Long slices: a head under a mask up to a vector-aligned dst, then streaming stores.")
	c.Label(fn + "_long")
	h := streamHead(c, pd, []reg.Register{px}, vb, fn+"_loop")
	c.JZ(operand.LabelRef(fn + "_stream"))
	g.partial(px, pd, h, body)
	c.LEAQ(operand.Mem{Base: px, Index: h, Scale: 4}, px)
	c.LEAQ(operand.Mem{Base: pd, Index: h, Scale: 4}, pd)
	c.SUBQ(h, n)
	loop(fn+"_stream", fn+"_fence", true)
	c.Label(fn + "_fence")
	c.SFENCE()
	c.JMP(operand.LabelRef(fn + "_loop"))
}
