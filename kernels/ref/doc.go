// Package ref holds the reference loops that every op's reference kernel is written with: the
// simplest correct Go, used as the oracle that fast kernels are tested against.
//
// Reference arithmetic runs in float64 for every floating-point dtype and in int64 for integers
// ([Scalar]), then rounds or wraps once to the storage type. Movement ([Gather], [Select]) keeps
// exact bits. Index helpers ([BroadcastIndex], [PermuteIndex], [ReduceIndex]) spell out NumPy's
// broadcasting, transposition and reduction as flat index maps.
//
// The reference kernels themselves are registered by package ops, beside each op's declaration,
// so that adding an op is a change to one file.
package ref
