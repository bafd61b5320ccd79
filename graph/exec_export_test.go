package graph

import "github.com/tideml/tide/core"

// SetDirtyBuffers makes execution states made from now on fill the buffers that kernels
// overwrite with garbage instead of zeros (and the outputs of such kernels), so that a test
// catches a kernel that relies on zero-filled outputs.
func SetDirtyBuffers(on bool) { dirtyBuffers = on }

// Overwrites reports whether the executor leaves op's outputs uncleared before its kernel runs.
func Overwrites(op *core.Op) bool { return overwrites(op) }

// InplaceAssigns reports how many of the plan's assignments are written in place.
func (p *Plan) InplaceAssigns() int { return len(p.prog.inplace) }
