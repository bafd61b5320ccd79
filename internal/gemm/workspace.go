package gemm

import (
	"runtime"
	"sync"
)

// workspace holds one goroutine's packing buffers.
type workspace[T float] struct {
	a, b, tile []T
}

// wsCache keeps workspaces between calls. It is a plain free list rather
// than a sync.Pool because a pool is emptied by the garbage collector, and
// here a fresh multi-megabyte buffer costs more than a mid-sized product:
// every newly touched page faults (about 10 µs per 4 KiB page on a virtual
// machine).
type wsCache[T float] struct {
	mu   sync.Mutex
	free []*workspace[T]
}

// maxCached bounds the workspaces kept per element type: enough for every
// thread of a team plus the shared panel, and for a caller on each P.
func maxCached() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

var (
	cache32 wsCache[float32]
	cache64 wsCache[float64]
)

func cacheOf[T float]() *wsCache[T] {
	return pick[T](any(&cache32), any(&cache64)).(*wsCache[T])
}

// getWorkspace returns a workspace whose buffers hold at least na, nb and
// ntile elements, reusing a cached one when possible.
func getWorkspace[T float](na, nb, ntile int) *workspace[T] {
	c := cacheOf[T]()
	c.mu.Lock()
	var ws *workspace[T]
	if n := len(c.free); n > 0 {
		ws = c.free[n-1]
		c.free = c.free[:n-1]
	}
	c.mu.Unlock()
	if ws == nil {
		ws = new(workspace[T])
	}
	ws.a = grow(ws.a, na)
	ws.b = grow(ws.b, nb)
	ws.tile = grow(ws.tile, ntile)
	return ws
}

// putWorkspace returns ws to the cache.
func putWorkspace[T float](ws *workspace[T]) {
	c := cacheOf[T]()
	c.mu.Lock()
	if len(c.free) < maxCached() {
		c.free = append(c.free, ws)
	}
	c.mu.Unlock()
}

// grow returns s if it holds n elements, or a new slice that does.
func grow[T float](s []T, n int) []T {
	if cap(s) >= n {
		return s[:cap(s)]
	}
	return make([]T, n)
}

// pick returns the float32 or the float64 one of a pair, by T.
func pick[T float, V any](v32, v64 V) V {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return v32
	}
	return v64
}
