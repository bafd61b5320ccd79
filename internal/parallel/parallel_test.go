package parallel

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// checkCover runs ForLimit and checks that the chunks are disjoint, cover
// [0, n) exactly and number no more than expected.
func checkCover(t *testing.T, limit, n, grain int) {
	t.Helper()
	hits := make([]int32, max(n, 0))
	var calls atomic.Int32
	ForLimit(limit, n, grain, func(lo, hi int) {
		calls.Add(1)
		if lo >= hi && n > 0 {
			t.Errorf("empty chunk [%d, %d)", lo, hi)
		}
		for i := lo; i < hi; i++ {
			atomic.AddInt32(&hits[i], 1)
		}
	})
	for i, h := range hits {
		if h != 1 {
			t.Fatalf("limit=%d n=%d grain=%d: index %d covered %d times", limit, n, grain, i, h)
		}
	}
	if want := Chunks(limit, n, grain); n > 0 && int(calls.Load()) != want {
		t.Errorf("limit=%d n=%d grain=%d: %d calls, want %d", limit, n, grain, calls.Load(), want)
	}
	if n <= 0 && calls.Load() != 0 {
		t.Errorf("n=%d: fn called %d times", n, calls.Load())
	}
}

func TestForCovers(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		old := runtime.GOMAXPROCS(procs)
		for _, n := range []int{-1, 0, 1, 2, 3, 7, 100, 1001} {
			for _, grain := range []int{0, 1, 3, 64} {
				for _, limit := range []int{0, 1, 2, 3, 16} {
					checkCover(t, limit, n, grain)
				}
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

func TestChunks(t *testing.T) {
	old := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(old)
	for _, c := range []struct{ limit, n, grain, want int }{
		{4, 100, 1, 4},
		{2, 100, 1, 2},
		{8, 100, 1, 4},
		{4, 100, 40, 2},
		{4, 10, 40, 1},
		{0, 100, 1, 1},
		{4, 3, 0, 3},
	} {
		if got := Chunks(c.limit, c.n, c.grain); got != c.want {
			t.Errorf("Chunks(%d, %d, %d) = %d, want %d", c.limit, c.n, c.grain, got, c.want)
		}
	}
}

func TestForNested(t *testing.T) {
	old := runtime.GOMAXPROCS(3)
	defer runtime.GOMAXPROCS(old)
	var total atomic.Int64
	For(8, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			For(100, 1, func(lo, hi int) {
				total.Add(int64(hi - lo))
			})
		}
	})
	if total.Load() != 800 {
		t.Fatalf("nested total %d, want 800", total.Load())
	}
}

func TestForConcurrentCallers(t *testing.T) {
	old := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(old)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 50; r++ {
				checkCover(t, 4, 257, 1)
			}
		}()
	}
	wg.Wait()
}

func TestForPanicPropagates(t *testing.T) {
	old := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(old)
	for _, where := range []int{0, 50} { // the caller's chunk and a worker's
		func() {
			defer func() {
				if r := recover(); r != fmt.Sprint("boom ", where) {
					t.Errorf("recovered %v, want boom %d", r, where)
				}
			}()
			For(100, 1, func(lo, hi int) {
				if lo <= where && where < hi {
					panic(fmt.Sprint("boom ", where))
				}
			})
		}()
	}
	// The pool must still work after a panic.
	checkCover(t, 2, 100, 1)
}

func TestForAllocs(t *testing.T) {
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		sums := make([]int, 2)
		fn := func(lo, hi int) { sums[lo] += hi - lo }
		if a := testing.AllocsPerRun(200, func() { For(2, 1, fn) }); a != 0 {
			t.Errorf("GOMAXPROCS=%d: For allocates %v times per call", procs, a)
		}
		runtime.GOMAXPROCS(old)
	}
}

func BenchmarkFor(b *testing.B) {
	var sink atomic.Int64
	fn := func(lo, hi int) { sink.Add(int64(hi - lo)) }
	for b.Loop() {
		For(2, 1, fn)
	}
}
