//go:build !linux

package gemm

import "time"

// threadCPU returns 0: the per-thread CPU time is only read on Linux.
func threadCPU() time.Duration { return 0 }
