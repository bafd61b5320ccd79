package cpu

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestCvForJobs checks that the dynamic job split runs every job exactly once, one worker at a
// time per job, whether it claims single jobs or groups, and hands each worker increasing jobs.
func TestCvForJobs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	old := cvMinParFlops
	defer func() { cvMinParFlops = old }()
	cvMinParFlops = 1
	for _, jobs := range []int{0, 1, 2, 7, 31, 64, 65} {
		for _, group := range []int{0, 1, 3, 8} {
			runs := make([]atomic.Int32, jobs)
			var workers atomic.Int32
			cvForJobs(jobs, group, 1, func(next func() (int, bool)) {
				workers.Add(1)
				prev := -1
				for j, ok := next(); ok; j, ok = next() {
					if j <= prev || j >= jobs {
						t.Errorf("jobs %d group %d: job %d after %d", jobs, group, j, prev)
						return
					}
					prev = j
					runs[j].Add(1)
				}
				if _, ok := next(); ok {
					t.Errorf("jobs %d group %d: next returned a job after the last", jobs, group)
				}
			})
			for j := range runs {
				if n := runs[j].Load(); n != 1 {
					t.Errorf("jobs %d group %d: job %d ran %d times", jobs, group, j, n)
				}
			}
			if w := workers.Load(); w < 1 || w > 4 {
				t.Errorf("jobs %d group %d: %d workers", jobs, group, w)
			}
		}
	}
}
