//go:build !linux

package cpu_test

import "time"

// cvThreadCPU returns 0: the per-thread CPU time is only read on Linux.
func cvThreadCPU() time.Duration { return 0 }
