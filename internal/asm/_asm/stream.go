package main

import (
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// Streaming stores and prefetching, shared by the math, arith, rectifier and square-root
// kernels.
//
// An ordinary store to a line that is not in the cache first reads the line (a read for
// ownership), so a kernel that writes a slice much larger than the cache moves its destination
// across the memory bus twice: an exponential moves 12 bytes per element, not 8, and an
// addition 16, not 12. A non-temporal store (VMOVNTPS) writes whole lines straight to memory
// without reading them, but also leaves them out of the cache, where an operation reading the
// result next would have found them. So a kernel streams only when the bytes it touches (4 per
// element of each slice: 8 for a unary function or VS/SV operation, 12 for VV) reach
// ·streamMinBytes, a variable of internal/asm/f32 whose doc comment gives the measurements
// behind its value; below it, and in place (where the loads have just brought dst's lines in),
// it stores as before. A streaming call stores a head of 0 to lanes−1 elements under a mask, up
// to the first vector-aligned address of dst (VMOVNTPS faults on others), streams the aligned
// vectors, issues SFENCE (streaming stores are weakly ordered) and finishes the tail as before;
// the kernels that do whole vectors only use ordinary overlapping vectors instead of masks
// (see streamWhole). The values are computed by the same instructions either way: only the
// stores differ.
//
// The streaming loops also prefetch their sources prefetchAhead bytes ahead (PREFETCHT0, once
// per vector): on the machine measured, the hardware prefetchers alone left a single core's
// exponential well below the memory's bandwidth. So do the ordinary loops of the AVX-512 math
// kernels, whose arithmetic hides the extra instruction; in the light loops (arith, rectifier)
// it costs more than it saves on slices in L1 (an AddVV of 1024 elements took 45% longer).

// prefetchAhead is how far ahead of the loads, in bytes, the loops prefetch their sources.
// Measured on a 2-vCPU Xeon (AVX-512, 4 MiB L2 per core): over 33,554,432 float32 the
// exponential gains 30-40% on one core and the addition 15%, and 2048 to 8192 bytes all do as
// well; the AVX-512 exponential of 262,144 elements (in L2) runs 10-15% faster.
const prefetchAhead = 4096

// streamMinSym is ·streamMinBytes of internal/asm/f32.
var streamMinSym = operand.NewDataAddr(operand.Symbol{Name: "·streamMinBytes"}, 0)

// streamCheck emits the jump to long, the streaming path placed after the function's return
// (so that short calls run straight through), when n·bpe, the bytes the call touches, reaches
// ·streamMinBytes (which is at least 192, so that a streaming call has n >= 16 and its head
// fits).
func streamCheck(c *build.Context, n reg.Register, bpe int, long string) {
	bytes := c.GP64()
	c.IMUL3Q(operand.U8(bpe), n, bytes)
	c.CMPQ(bytes, streamMinSym)
	c.JAE(operand.LabelRef(long))
}

// streamHead emits the start of the streaming path: it jumps back to plain when dst is one of
// the sources srcs (in place) or is not 4-byte aligned (only unsafe code makes such a slice,
// and no head would align it), and otherwise leaves in h the number of elements (0 to vb/4−1)
// to store before pd+4h is vb-aligned, with the flags of h set (JZ: no head).
func streamHead(c *build.Context, pd reg.Register, srcs []reg.Register, vb int, plain string) reg.Register {
	for _, p := range srcs {
		c.CMPQ(pd, p)
		c.JE(operand.LabelRef(plain))
	}
	c.TESTQ(operand.U32(3), pd)
	c.JNZ(operand.LabelRef(plain))
	h := c.GP64()
	c.MOVQ(pd, h)
	c.NEGQ(h)
	c.ANDQ(operand.U32(vb-1), h)
	c.SHRQ(operand.U8(2), h)
	return h
}

// prefetch emits a prefetch of the line prefetchAhead bytes past m.
func prefetch(c *build.Context, m operand.Mem) {
	m.Disp += prefetchAhead
	c.PREFETCHT0(m)
}

// alignLoop emits PCALIGN $64 (which avo does not know), so that the loop whose label follows
// starts a 64-byte line of code whatever precedes it.
func alignLoop(c *build.Context) {
	c.Instruction(&ir.Instruction{Opcode: "PCALIGN", Operands: []operand.Op{operand.Imm(64)}})
}

// store emits a store of x to m: a streaming one with stream set, else an ordinary one.
func store(c *build.Context, stream bool, x, m operand.Op) {
	if stream {
		c.VMOVNTPS(x, m)
	} else {
		c.VMOVUPS(x, m)
	}
}

// streamWhole emits fn_long, the streaming path of kernel fn, which does whole vectors only
// (the rectifier and the square root): n is the byte count of those vectors, off (still zero)
// indexes them and srcs are the sources. Unless streamHead sends it back to fn_loop, it stores
// the first vector as usual, streams the vb-aligned vectors from the first aligned address on,
// fences, stores the last vector as usual and jumps to fn_done. The ordinary first and last
// vectors overlap streamed ones, which hold the same values (dst is none of the sources), so
// no mask is needed. vector emits the vector at off, streamed (and prefetching) with stream
// set.
func streamWhole(c *build.Context, pd, n, off reg.Register, srcs []reg.Register, vb int, fn string, vector func(stream bool)) {
	c.Label(fn + "_long")
	h := streamHead(c, pd, srcs, vb, fn+"_loop")
	vector(false)
	c.SHLQ(operand.U8(2), h)
	c.MOVQ(h, off)
	alignLoop(c)
	c.Label(fn + "_stream")
	end := c.GP64()
	c.LEAQ(operand.Mem{Base: off, Disp: vb}, end)
	c.CMPQ(end, n)
	c.JA(operand.LabelRef(fn + "_fence"))
	vector(true)
	c.ADDQ(operand.U32(vb), off)
	c.JMP(operand.LabelRef(fn + "_stream"))
	c.Label(fn + "_fence")
	c.SFENCE()
	c.LEAQ(operand.Mem{Base: n, Disp: -vb}, off)
	vector(false)
	c.JMP(operand.LabelRef(fn + "_done"))
}
