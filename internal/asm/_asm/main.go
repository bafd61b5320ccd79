// Command asm generates the assembly of internal/asm/f32 and internal/asm/f64
// with avo. It is run by the go:generate lines in the stub files, one element
// type and one set of kernels (one .s file) at a time:
//
//	go run . -type f32 -out ../f32/gemm_amd64.s
//	go run . -type f64 -out ../f64/gemm_amd64.s
//	go run . -type f32 -set math -out ../f32/math_amd64.s
//	go run . -type f32 -set pool -out ../f32/pool_amd64.s
//	go run . -type f32 -set optim -out ../f32/optim_amd64.s
//	go run . -type f32 -set arith -out ../f32/arith_amd64.s
//
// The sets: gemm (micro-kernels, packing, level-1 vectors), math
// (transcendental functions, relu, sqrt), pool (pooling windows), optim
// (fused optimizer steps) and arith (binary arithmetic, min and max).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

func main() {
	// The build package registers its flags on flag.CommandLine when
	// imported; a separate set avoids redefining them.
	fs := flag.NewFlagSet("asm", flag.ExitOnError)
	typ := fs.String("type", "f32", "element type of the kernels: f32 or f64")
	set := fs.String("set", "gemm", "kernels to generate: gemm, math, pool or optim")
	avoFlags := build.NewFlags(fs)
	fs.Parse(os.Args[1:])

	ctx := build.NewContext()
	ctx.ConstraintExpr("!noasm,amd64")
	switch *set {
	case "gemm":
		generateGemm(ctx, *typ)
	case "math":
		generateMath(ctx, *typ)
	case "pool":
		generatePool(ctx, *typ)
	case "optim":
		generateOptim(ctx, *typ)
	case "arith":
		generateArith(ctx, *typ)
	default:
		fmt.Fprintf(os.Stderr, "asm: unknown -set %q\n", *set)
		os.Exit(2)
	}
	if status := build.Main(avoFlags.Config(), ctx); status != 0 {
		os.Exit(status)
	}
}

// generateGemm adds the GEMM micro-kernels, the packing routines and the
// level-1 vector routines of element type typ to ctx.
func generateGemm(ctx *build.Context, typ string) {
	var kernels []kernel
	switch typ {
	case "f32":
		kernels = []kernel{
			{name: "GemmAVX512", elem: f32, isa: avx512, mr: 14, nvec: 2, unroll: 4},
			{name: "GemmAVX2", elem: f32, isa: avx2, mr: 6, nvec: 2, unroll: 4},
		}
	case "f64":
		kernels = []kernel{
			{name: "GemmAVX512", elem: f64, isa: avx512, mr: 14, nvec: 2, unroll: 4},
			{name: "GemmAVX2", elem: f64, isa: avx2, mr: 6, nvec: 2, unroll: 4},
		}
	default:
		fmt.Fprintf(os.Stderr, "asm: unknown -type %q\n", typ)
		os.Exit(2)
	}
	for _, k := range kernels {
		k.generate(ctx)
		if k.isa.name == avx512.name {
			k.generateEdge(ctx)
		}
	}
	lanes := map[string]int{"f32": 16, "f64": 8}[typ]
	packer{elem: kernels[0].elem, lanes: lanes}.generate(ctx)
	vec{elem: kernels[0].elem, lanes: lanes}.generate(ctx)
}

// elemType describes a floating-point element type and its instructions.
type elemType struct {
	goName    string // Go element type name, for signatures
	size      int    // bytes
	broadcast func(c *build.Context, m operand.Op, v reg.VecPhysical)
	fma       func(c *build.Context, b, a, acc reg.VecPhysical) // acc += a*b
	add       func(c *build.Context, m operand.Op, v reg.VecPhysical)
}

var f32 = elemType{
	goName:    "float32",
	size:      4,
	broadcast: func(c *build.Context, m operand.Op, v reg.VecPhysical) { c.VBROADCASTSS(m, v) },
	fma:       func(c *build.Context, b, a, acc reg.VecPhysical) { c.VFMADD231PS(b, a, acc) },
	add:       func(c *build.Context, m operand.Op, v reg.VecPhysical) { c.VADDPS(m, v, v) },
}

var f64 = elemType{
	goName:    "float64",
	size:      8,
	broadcast: func(c *build.Context, m operand.Op, v reg.VecPhysical) { c.VBROADCASTSD(m, v) },
	fma:       func(c *build.Context, b, a, acc reg.VecPhysical) { c.VFMADD231PD(b, a, acc) },
	add:       func(c *build.Context, m operand.Op, v reg.VecPhysical) { c.VADDPD(m, v, v) },
}

// isa describes a vector instruction set: its registers and how to zero one.
type isa struct {
	name  string
	bytes int // vector width
	regs  []reg.VecPhysical
	zero  func(c *build.Context, v reg.VecPhysical)
}

var avx512 = isa{
	name:  "AVX-512F",
	bytes: 64,
	regs: []reg.VecPhysical{
		reg.Z0, reg.Z1, reg.Z2, reg.Z3, reg.Z4, reg.Z5, reg.Z6, reg.Z7,
		reg.Z8, reg.Z9, reg.Z10, reg.Z11, reg.Z12, reg.Z13, reg.Z14, reg.Z15,
		reg.Z16, reg.Z17, reg.Z18, reg.Z19, reg.Z20, reg.Z21, reg.Z22, reg.Z23,
		reg.Z24, reg.Z25, reg.Z26, reg.Z27, reg.Z28, reg.Z29, reg.Z30, reg.Z31,
	},
	// VXORPS on zmm needs AVX512DQ; VPXORD needs only AVX512F.
	zero: func(c *build.Context, v reg.VecPhysical) { c.VPXORD(v, v, v) },
}

var avx2 = isa{
	name:  "AVX2 and FMA",
	bytes: 32,
	regs: []reg.VecPhysical{
		reg.Y0, reg.Y1, reg.Y2, reg.Y3, reg.Y4, reg.Y5, reg.Y6, reg.Y7,
		reg.Y8, reg.Y9, reg.Y10, reg.Y11, reg.Y12, reg.Y13, reg.Y14, reg.Y15,
	},
	zero: func(c *build.Context, v reg.VecPhysical) { c.VXORPS(v, v, v) },
}

// kernel is one register-tiled GEMM micro-kernel: it multiplies an mr×k
// packed panel of A by a k×nr packed panel of B (nr = nvec vectors) and stores
// or adds the mr×nr product into C. The accumulators take mr*nvec registers,
// B takes nvec and two more hold broadcast elements of A, alternately, so
// consecutive rows do not wait on each other.
type kernel struct {
	name   string
	elem   elemType
	isa    isa
	mr     int // rows of the tile
	nvec   int // vectors per row
	unroll int // k steps per loop iteration
}

func (k kernel) nr() int { return k.nvec * k.isa.bytes / k.elem.size }

func (k kernel) generate(c *build.Context) {
	if k.mr*k.nvec+k.nvec+2 > len(k.isa.regs) {
		panic(fmt.Sprintf("asm: %s needs %d registers, %s has %d", k.name, k.mr*k.nvec+k.nvec+2, k.isa.name, len(k.isa.regs)))
	}
	t := k.elem.goName
	c.Function(k.name)
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr(fmt.Sprintf("func(k int, a, b, c []%s, ldc int, accumulate bool)", t))
	c.Doc(fmt.Sprintf("%s is the %d×%d %s micro-kernel (%s).", k.name, k.mr, k.nr(), t, k.isa.name))
	args := k.loadArgs(c)
	k.body(c, args, k.mr, k.name, false)
}

// generateEdge generates the edge variant of an AVX-512 kernel, named
// name+"Edge": it computes only the first rows rows (1..mr) of the tile, with
// its own loop for each row count, and loads and stores C under the column
// mask cmask, so that edge tiles need no scratch tile.
func (k kernel) generateEdge(c *build.Context) {
	t := k.elem.goName
	name := k.name + "Edge"
	c.Function(name)
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr(fmt.Sprintf("func(k int, a, b, c []%s, ldc int, accumulate bool, rows int, cmask uint64)", t))
	c.Doc(fmt.Sprintf("%s is %s for the first rows rows and the columns in cmask.", name, k.name))
	args := k.loadArgs(c)
	cmask := c.Load(c.Param("cmask"), build.GP64()).(reg.GPVirtual)
	c.KMOVW(cmask.As32(), reg.K1)
	c.SHRQ(operand.U8(k.isa.bytes/k.elem.size), cmask)
	c.KMOVW(cmask.As32(), reg.K2)
	rows := c.Load(c.Param("rows"), build.GP64())
	for r := 1; r <= k.mr; r++ {
		c.CMPQ(rows, operand.U32(r))
		c.JE(operand.LabelRef(fmt.Sprintf("%s_rows%d", name, r)))
	}
	c.RET() // rows out of range: nothing to do
	for r := 1; r <= k.mr; r++ {
		c.Label(fmt.Sprintf("%s_rows%d", name, r))
		k.body(c, args, r, fmt.Sprintf("%s_rows%d", name, r), true)
	}
}

// kernelArgs are the registers holding a kernel's arguments.
type kernelArgs struct {
	n, pa, pb, pc, ldc reg.Register
}

func (k kernel) loadArgs(c *build.Context) kernelArgs {
	var a kernelArgs
	a.n = c.Load(c.Param("k"), build.GP64())
	a.pa = c.Load(c.Param("a").Base(), build.GP64())
	a.pb = c.Load(c.Param("b").Base(), build.GP64())
	a.pc = c.Load(c.Param("c").Base(), build.GP64())
	a.ldc = c.Load(c.Param("ldc"), build.GP64())
	c.SHLQ(operand.U8(log2(k.elem.size)), a.ldc) // bytes
	return a
}

// body generates the tile computation for the first rows rows of the
// panels (whose steps stay k.mr elements of A apart), ending in RET. With
// masked set, C is loaded and stored under the column masks K1 and K2.
func (k kernel) body(c *build.Context, args kernelArgs, rows int, prefix string, masked bool) {
	accs := k.isa.regs[:rows*k.nvec]
	bregs := k.isa.regs[k.mr*k.nvec : k.mr*k.nvec+k.nvec]
	aregs := k.isa.regs[k.mr*k.nvec+k.nvec : k.mr*k.nvec+k.nvec+2]
	n := build.GP64()
	c.MOVQ(args.n, n)
	pa, pb := build.GP64(), build.GP64()
	c.MOVQ(args.pa, pa)
	c.MOVQ(args.pb, pb)

	c.Comment("Zero the accumulators and prefetch the C tile.")
	for _, r := range accs {
		k.isa.zero(c, r)
	}
	row := build.GP64()
	c.MOVQ(args.pc, row)
	rowBytes := k.nr() * k.elem.size
	for i := 0; i < rows; i++ {
		for off := 0; off < rowBytes; off += 64 {
			c.PREFETCHT0(operand.Mem{Base: row, Disp: off})
		}
		if i < rows-1 {
			c.ADDQ(args.ldc, row)
		}
	}

	aStep := k.mr * k.elem.size
	bStep := rowBytes
	step := func(s int) {
		for v, r := range bregs {
			c.VMOVUPS(operand.Mem{Base: pb, Disp: s*bStep + v*k.isa.bytes}, r)
		}
		for i := 0; i < rows; i++ {
			ar := aregs[i%2]
			k.elem.broadcast(c, operand.Mem{Base: pa, Disp: s*aStep + i*k.elem.size}, ar)
			for v, br := range bregs {
				k.elem.fma(c, br, ar, accs[i*k.nvec+v])
			}
		}
	}

	c.Comment(fmt.Sprintf("Main loop: %d k steps per iteration.", k.unroll))
	c.Label(prefix + "_loop")
	c.CMPQ(n, operand.U32(k.unroll))
	c.JL(operand.LabelRef(prefix + "_tail"))
	for s := 0; s < k.unroll; s++ {
		step(s)
	}
	c.ADDQ(operand.U32(k.unroll*aStep), pa)
	c.ADDQ(operand.U32(k.unroll*bStep), pb)
	c.SUBQ(operand.U32(k.unroll), n)
	c.JMP(operand.LabelRef(prefix + "_loop"))

	c.Comment("Remaining k steps, one at a time.")
	c.Label(prefix + "_tail")
	c.TESTQ(n, n)
	c.JE(operand.LabelRef(prefix + "_store"))
	step(0)
	c.ADDQ(operand.U32(aStep), pa)
	c.ADDQ(operand.U32(bStep), pb)
	c.DECQ(n)
	c.JMP(operand.LabelRef(prefix + "_tail"))

	c.Label(prefix + "_store")
	flag := c.Load(c.Param("accumulate"), build.GP8())
	c.TESTB(flag, flag)
	c.JE(operand.LabelRef(prefix + "_overwrite"))
	c.Comment("C += tile.")
	k.writeTile(c, args, rows, accs, true, masked)
	c.Label(prefix + "_overwrite")
	c.Comment("C = tile.")
	k.writeTile(c, args, rows, accs, false, masked)
}

// writeTile adds the accumulators to C (or stores them over C) row by row,
// then returns. Masked, it touches only the columns in K1 (first vector) and
// K2 (second), using the last register as scratch.
func (k kernel) writeTile(c *build.Context, args kernelArgs, rows int, accs []reg.VecPhysical, add, masked bool) {
	row := build.GP64()
	c.MOVQ(args.pc, row)
	tmp := k.isa.regs[len(k.isa.regs)-1]
	masks := []reg.OpmaskPhysical{reg.K1, reg.K2}
	for i := 0; i < rows; i++ {
		for v := 0; v < k.nvec; v++ {
			m := operand.Mem{Base: row, Disp: v * k.isa.bytes}
			r := accs[i*k.nvec+v]
			switch {
			case masked && add:
				if k.elem.size == 4 {
					c.VMOVUPS_Z(m, masks[v], tmp)
					c.VADDPS(tmp, r, r)
				} else {
					c.VMOVUPD_Z(m, masks[v], tmp)
					c.VADDPD(tmp, r, r)
				}
			case add:
				k.elem.add(c, m, r)
			}
			switch {
			case masked && k.elem.size == 4:
				c.VMOVUPS(r, masks[v], m)
			case masked:
				c.VMOVUPD(r, masks[v], m)
			default:
				c.VMOVUPS(r, m)
			}
		}
		if i < rows-1 {
			c.ADDQ(args.ldc, row)
		}
	}
	c.VZEROUPPER()
	c.RET()
}
