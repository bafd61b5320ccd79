// Package conformance is the one test suite every kernel set runs, as gonum's blas/testblas is
// for BLAS implementations: it holds each registered implementation of each op to the same
// bar, the op's declaration and its reference kernel.
//
// # Using it from a kernel set
//
// A kernel set (package kernels/cpu, registered at core.PriorityFast) runs the suite from its
// own tests, selecting its kernels by name; the reference kernels always run, as the ones the
// others are compared with:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, conformance.Options{Kernels: "^cpu/"})
//	}
//
// [Options] also select ops (Ops, Skip), shape classes and dtypes, so that a kernel being written
// can be checked alone: Options{Ops: "^matmul$", Kernels: "^cpu/avx2$", Classes:
// []conformance.Class{conformance.Odd}}. Run makes one subtest per op (go test -run
// TestConformance/conformance/matmul), run in parallel.
//
// # What is checked
//
// For every op (view ops run no kernel, so only their inference and public entry are checked),
// every dtype it declares and every shape class — [Scalar], [Empty], [Broadcast] (size-1 and
// missing leading dimensions), [Odd] (1, 7, 9, 31 and 65 elements along the last axis) and
// [Large] (2^16+3 elements, or a few tens of thousands for the heavier ops) — the suite draws
// inputs from a generator seeded by the op's name, with NaN, ±Inf and -0 among the floats, and
// checks:
//
//  1. inference accepts the case, is pure (it leaves its input specs alone and gives the same
//     specs twice), and agrees in dtype and shape with what the op's public entry, core.Apply,
//     returns; no kernel replaces the outputs it is handed;
//  2. illegal shapes, dtypes and params (a handful per op, broadcast-incompatible shapes for the
//     elementwise ops, out-of-range axes for the reductions, a missing or extra input, params of
//     the wrong type, a dtype without a kernel) are rejected by inference and make core.Apply
//     panic with a *core.Error; other panics are bugs;
//  3. no kernel writes its inputs: each input is a copy placed at an unaligned offset inside a
//     larger buffer (a tensor.Flat view), whose every element is compared before and after;
//     and no kernel writes outside its outputs, placed the same way between guard bands. The
//     guards hold NaN with a recognisable payload for floats, so a kernel that reads past the
//     end of an input makes NaN appear in its results;
//  4. every kernel's results match the reference kernel's within [Tolerance]: exactly for
//     integers, bool and the ops that only move or select elements, a few ulps scaled by the
//     reduction length for floats, NaN matching NaN. A case with an out-of-range index must
//     make every kernel return an error (not panic) and core.Apply panic with a *core.Error.
//
// # Cases
//
// The inputs come from a table of case builders, one per op, written compactly by family
// (elementwise, reductions, movement, indexing, generators, network ops); ops that need special
// inputs have them: indices in range for gathers, bool conditions for where, positive numbers
// for log and sqrt, counts that add up for segment sums. [Cases] gives them to other packages
// (the graph package's eager-against-compiled test, the ONNX importer), with [Compare] to
// compare results as the suite does. Run fails for an op without a builder, so a new op must be
// added here; ops declared outside package ops add theirs with [Register].
package conformance
