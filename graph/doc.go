// Package graph traces Go functions over tensors into a graph, optimises it and runs it: the
// same code that runs eagerly, compiled with one call.
//
//	step := graph.Compile(model.TrainStep,
//		graph.InputSpecs(core.Spec{DType: dtype.Float32, Shape: shape.Of(-1, 784)},
//			core.Spec{DType: dtype.Int64, Shape: shape.Of(-1)}))
//	loss, err := step.Call(x, y)
//
// # Tracing rules
//
// [Compile] wraps a function; the first [Function.Call] for a new signature traces it: the
// function runs once with symbolic tensors, and every op it applies is recorded instead of run.
//
//   - Arguments become graph parameters. With [InputSpecs], a dimension declared -1
//     (shape.Unknown) accepts any size, so one graph serves every batch size — the last partial
//     batch of an epoch and serving do not retrace. Without it each new combination of argument
//     shapes and dtypes is traced once and cached (the cache is bounded by [CacheSize], least
//     recently used first out; frequent retracing is logged).
//   - Tensors the function reads that are not arguments are captured. A variable's storage is
//     captured by reference, so each call sees its current value; any other tensor is a constant
//     that optimisation may fold. Values the function computes eagerly from variables (an op
//     whose inputs are all variables, such as a weight regulariser) are recorded too, so they are
//     recomputed at every call, not frozen at trace time.
//   - autodiff.Variable.Assign with a symbolic value becomes a write-back performed after each
//     call. Reads of variables declared with [Variables] after an assignment see the assigned
//     value, as eagerly; other captured variables read the values from before the call. (Where
//     that allows, the kernel computing the new value writes it into the variable directly,
//     instead of a buffer copied after the call; a failed call still leaves variables
//     unchanged.) This is how a whole train step —
//     forward, gradients, optimizer update — is one compiled call. An assignment whose value is
//     computed from variables alone, with no traced input (a step counter's v+1), runs once,
//     while tracing; make such a value depend on a traced one (package optim adds a zero shaped
//     like a gradient to its iteration count).
//   - Go control flow runs at trace time: a loop is unrolled and an if takes the branch chosen by
//     values known while tracing (shapes, Go variables). A data-dependent branch needs an op.
//   - Gradients (autodiff.Grad) taken inside the function are traced with the same gradient
//     rules as eagerly, so the backward pass is part of the graph and is optimised with it.
//   - Reading a symbolic tensor's value (At, Item, Data) panics with a *core.Error: values exist
//     only when the graph runs.
//
// # Control flow
//
// [Cond], [While] and [Scan] are control flow that stays in the graph: with symbolic inputs,
// the branches, the loop condition and body, and the scan step are traced into subgraphs that a
// cond, while or scan node runs at run time — a long sequence is not unrolled, and its length may
// be unknown until then. Eagerly, or when a predicate is known at trace time, they are plain Go
// calls and loops. The tensors of the enclosing function and the trainable variables they read
// become extra inputs of the node, so values flow in and gradients reach them. Gradients flow, in
// both modes, through:
//
//   - Cond: a cond over the two branches' vector-Jacobian products, choosing the branch taken.
//   - Scan: a backward scan, run from the last element to the first, over the step's
//     vector-Jacobian product. The first gradient makes the forward scan save (stacked, as extra
//     outputs) the step's intermediates that the backward step reads, found by tracing the step
//     with its gradient and splitting that graph by what each value depends on, as JAX's partial
//     evaluation of a scan; cheap elementwise values computed from saved ones are recomputed
//     instead of saved. So the backward never reruns the forward step. The gradient of a weight
//     that the step multiplies a per-step matrix by (a recurrent kernel) is one matrix product
//     over all the steps after the backward scan, not a running sum. A gradient taken with
//     autodiff.CreateGraph (to be differentiated again) recomputes the step instead, and second
//     order works.
//   - While: as TensorFlow's while_loop gradient, a backward loop runs the body's
//     vector-Jacobian product over the states of the forward iterations in reverse, for a
//     data-dependent number of iterations. A plan fixes every node output's shape before it
//     runs, so the stack of states cannot be an output of the while node: a while_grad node runs
//     the forward loop once more to fill it, then the backward loop. Differentiating that
//     gradient again (second order) is refused with an error.
//
// Serialised, their subgraphs are stored inside the node, so a loaded graph runs them, gradient
// nodes included; differentiating a loaded cond, while or scan needs the Go functions, so it is
// refused with an error.
//
// # Passes and execution
//
// After tracing and after every pass, [Graph.Verify] checks types, shapes, definitions before
// use and acyclicity; a failure names the pass. [DefaultPasses] are algebraic simplification,
// constant folding, common-subexpression elimination, dead-code elimination and elementwise
// fusion (each in its own file). A [Plan] resolves unknown dimensions for concrete arguments,
// picks each op's highest-priority kernel once, and lays out memory once: every intermediate
// gets a buffer that values dead by then share (a reshape shares its input's), and the buffers
// and tensor headers are kept between calls in execution states (one per concurrent call), so a
// steady-state call allocates only the outputs it returns — 4 objects for an MLP train step
// returning its loss. Buffers are cleared before a kernel only when it accumulates into its
// output; [Plan.PeakBytes] reports the peak before running. A fused chain runs chunk by chunk
// over the flat index; one headed by a float matmul of two matrices runs as the GEMM's
// epilogue: the GEMM reports each block of the product once it is final, on the thread that
// computed it, and the chain runs on each chunk as soon as its elements are all final, reading
// the product from cache (a weight's SGD update from its gradient, a layer's bias and
// activation). The chunks, steps and kernels are those of the plain run, so the values are the
// same bit for bit. When the graph has independent heavy branches (two large nodes at the same depth) and
// GOMAXPROCS allows, the plan runs nodes as soon as their inputs are ready on several goroutines
// ([Plan.Parallel]); otherwise in order, which costs less for small nodes.
// Errors — a shape mistake found while tracing, arguments a graph cannot take, a kernel failure —
// are returned by Call, never panicked.
//
// # Inspection and serialisation
//
// [Graph.String] lists the graph as text and [Graph.WriteDOT] as Graphviz. [Marshal] and
// [Unmarshal] convert a graph to and from Tide's versioned protobuf format (package graphpb),
// captured tensors included, so it can be loaded and run without the Go code that built it.
package graph
