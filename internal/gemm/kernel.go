package gemm

import (
	"github.com/tideml/tide/internal/asm/f32"
	"github.com/tideml/tide/internal/asm/f64"
)

// kernel is a micro-kernel with the block sizes the driver uses around it.
//
// fn computes the mr×nr tile of C from packed panels: a holds k steps of mr
// elements of A, b holds k steps of nr elements of B, and the product is
// stored into c (row stride ldc), or added to it when accumulate is true.
//
// The block sizes follow the Goto/BLIS scheme: one kc×nr micro-panel of B
// stays in L1 while the kernel streams the mc×kc block of A (in L2) past it,
// and the kc×nc panel of B is reused from L3 by every block of A.
type kernel[T float] struct {
	name       string
	mr, nr     int
	kc, mc, nc int
	fn         kernelFunc[T]
	// edge computes the first rows rows and the columns in cmask of a tile,
	// or is nil to compute edge tiles aside and copy them.
	edge edgeFunc[T]
	// packT and packN are assembly packing routines, or nil to pack in Go;
	// packMasks builds their mask arguments.
	packT, packN packFunc[T]
	packMasks    func(rows, width int) (rmask, wmask uint64, two bool)
	// axpy and dot are the unit-stride vector routines of the direct path.
	axpy func(alpha T, x, y []T)
	dot  func(x, y []T) T
}

// kernelFunc is the signature shared by all micro-kernels.
type kernelFunc[T float] func(k int, a, b, c []T, ldc int, accumulate bool)

// edgeFunc is the signature of the edge variants of the micro-kernels.
type edgeFunc[T float] func(k int, a, b, c []T, ldc int, accumulate bool, rows int, cmask uint64)

// kernels32 and kernels64 list the micro-kernels this CPU can run, fastest
// first; the pure-Go kernel, always last, runs everywhere.
var (
	kernels32 = available([]*kernel[float32]{
		{name: "avx512", mr: f32.MRAVX512, nr: f32.NRAVX512, kc: 256, mc: 14 * 24, nc: 4096, fn: ifOK(f32.HasAVX512, f32.GemmAVX512),
			edge: f32.GemmAVX512Edge, packT: f32.PackTAVX512, packN: f32.PackNAVX512, packMasks: f32.PackMasks,
			axpy: f32.AxpyAVX512, dot: f32.DotAVX512},
		{name: "avx2", mr: f32.MRAVX2, nr: f32.NRAVX2, kc: 256, mc: 6 * 24, nc: 4096, fn: ifOK(f32.HasAVX2, f32.GemmAVX2)},
		{name: "go", mr: goMR, nr: goNR, kc: 256, mc: 64, nc: 1024, fn: kernelGo[float32]},
	})
	kernels64 = available([]*kernel[float64]{
		{name: "avx512", mr: f64.MRAVX512, nr: f64.NRAVX512, kc: 256, mc: 14 * 12, nc: 4096, fn: ifOK(f64.HasAVX512, f64.GemmAVX512),
			edge: f64.GemmAVX512Edge, packT: f64.PackTAVX512, packN: f64.PackNAVX512, packMasks: f64.PackMasks,
			axpy: f64.AxpyAVX512, dot: f64.DotAVX512},
		{name: "avx2", mr: f64.MRAVX2, nr: f64.NRAVX2, kc: 256, mc: 6 * 12, nc: 4096, fn: ifOK(f64.HasAVX2, f64.GemmAVX2)},
		{name: "go", mr: goMR, nr: goNR, kc: 256, mc: 64, nc: 1024, fn: kernelGo[float64]},
	})
)

// kernel32 and kernel64 are the kernels Sgemm and Dgemm use: the best
// available.
var (
	kernel32 = kernels32[0]
	kernel64 = kernels64[0]
)

// ifOK returns fn when the CPU supports it, and nil otherwise.
func ifOK[T float](ok bool, fn kernelFunc[T]) kernelFunc[T] {
	if !ok {
		return nil
	}
	return fn
}

// available drops the entries whose function is nil and fills in the Go
// vector routines where a kernel has no assembly ones.
func available[T float](ks []*kernel[T]) []*kernel[T] {
	out := ks[:0]
	for _, k := range ks {
		if k.fn == nil {
			continue
		}
		if k.axpy == nil {
			k.axpy, k.dot = axpy[T], dotUnit[T]
		}
		out = append(out, k)
	}
	return out
}
