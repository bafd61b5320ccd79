// Package cpu registers Tide's fast CPU kernels, above the reference kernels
// (core.PriorityFast), for the ops and dtypes where they pay: today the matrix product on the
// packed, register-tiled GEMM engine (internal/gemm, AVX-512 and AVX2+FMA assembly with a
// pure-Go fallback and the noasm build tag).
//
// Import it for its side effect; packages autodiff and graph do, so every program that trains
// or compiles models runs on the fast kernels:
//
//	import _ "github.com/tideml/tide/kernels/cpu"
//
// Every kernel here is held to the reference kernels by the op conformance suite.
package cpu
