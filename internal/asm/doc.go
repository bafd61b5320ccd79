// Package asm is the home of Tide's SIMD leaf kernels; it holds no code
// itself, only this map.
//
// # Layout
//
// Each element type has a package: [github.com/tideml/tide/internal/asm/f32]
// and [github.com/tideml/tide/internal/asm/f64]. A kernel comes as a triple:
//
//   - a stub file (gemm_amd64.go, build tag "!noasm && amd64") declaring the
//     assembly functions, whose doc comments give the reference loop each one
//     computes, and the Has* variables saying whether the CPU can run them;
//   - the assembly (gemm_amd64.s), generated with avo by the program in the
//     _asm folder (a module of its own, so that avo is not a dependency of
//     Tide) and never edited by hand: run go generate in the package folder;
//   - a pure-Go twin (gemm_noasm.go, build tag "noasm || !amd64") with the
//     same functions written as the reference loops and every Has* false.
//
// Callers check the Has* variables once and pick a kernel; on other
// architectures, or when built with -tags noasm, the twins keep everything
// compiling and the Has* variables steer callers to their portable code.
package asm
