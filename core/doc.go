// Package core is the op contract: how a primitive is declared ([Declare], [Def]), how kernels
// are registered for it by dtype and priority ([RegisterKernel]), how it runs ([Apply]: eagerly,
// or recorded by a graph [Tracer]), how gradient records are attached ([Node]), and the one
// error type of the math API ([Error], [Recover]).
//
// # Declaring an op
//
// A primitive is declared once, in one file of package ops, with typed params:
//
//	var sumOp = core.Declare(core.Def[ReduceParams]{
//		Name:  "reduce_sum",
//		Infer: inferReduce,          // pure: specs in, specs out or an error
//		Grad:  gradSum,              // written with public ops, so it traces and nests
//	})
//
// Its reference kernels are registered beside it at [PriorityRef]; faster kernels (package
// kernels/cpu) register above at [PriorityFast] and are chosen first. A registry test checks that
// every op has inference, a reference kernel for each dtype it declares, and a gradient decision.
//
// # Errors
//
// Shape rules return errors; [Apply] turns them into a panic with an *[Error] naming the op, what
// it wanted, what it got, and the caller's file:line. Entry points that run user code recover only
// that type with [Recover]. Kernels return errors for what shapes cannot show.
//
// # No global state
//
// Whether an op runs eagerly, is traced, or is tracked for gradients is read from its inputs,
// never from a package-level "current graph" or "current tape".
package core
