package cpu_test

import (
	"syscall"
	"time"
	"unsafe"
)

// cvClockThreadCPUTime is Linux's CLOCK_THREAD_CPUTIME_ID.
const cvClockThreadCPUTime = 3

// cvThreadCPU returns the CPU time the calling OS thread has used, to the nanosecond, or 0 if it
// cannot tell. Rates computed from it ignore the time other processes hold the core, which on a
// shared machine is most of the noise. (getrusage counts in scheduler ticks, too coarse here.)
func cvThreadCPU() time.Duration {
	var ts syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, cvClockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
