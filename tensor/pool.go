package tensor

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/internal/errs"
	"github.com/tideml/tide/shape"
)

// The buffer pool. Eager ops allocate their outputs with [New] or [NewUninit], which draw large
// buffers from a pool of released ones before asking the Go allocator. A loop that releases the
// tensors it is done with ([Tensor.Release]) therefore reuses the same memory step after step:
// no garbage for the collector, no zeroing of fresh memory, and no first-touch page faults,
// which cost 10-14 µs per 4 KiB page on some virtual machines (a 12.8 MB convolution output
// costs more to allocate fresh than to compute at 10 GFLOP/s). This is what PyTorch's caching of
// freed tensor memory gives a Python loop; in Go, where memory is reclaimed by the collector,
// release is explicit. Tensors that are never released are reclaimed by the collector as usual.
//
// Buffers are kept per dtype and exact element count, most recently released first (so the
// buffer reused is the one most likely still in cache), up to [PoolConfig.MaxBytes] in all.
// Compiled functions (package graph) plan their memory once and do not need the pool.

// PoolConfig configures the buffer pool (see [SetPoolConfig]).
type PoolConfig struct {
	// MinBytes: buffers smaller than this are left to the Go allocator, which serves small
	// sizes from per-thread caches at no cost worth saving. Default 32 KiB.
	MinBytes int
	// MaxBytes bounds the memory held by released buffers waiting for reuse; a buffer
	// released beyond it is left to the collector. 0 disables pooling. Default 1 GiB.
	MaxBytes int64
	// Poison fills every buffer handed out uninitialised by [NewUninit] with garbage (huge
	// values, NaN in half precision, true for bools), so that tests catch a kernel that reads an
	// output before writing it or leaves elements unwritten.
	Poison bool
}

// PoolStats counts the pool's traffic since the program started.
type PoolStats struct {
	Hits     int64 // allocations served by a released buffer
	Misses   int64 // pool-sized allocations the pool could not serve
	Released int64 // buffers taken back for reuse
	Dropped  int64 // released buffers left to the collector (over MaxBytes)
	Retained int64 // bytes held now by buffers waiting for reuse
}

// storage is the memory of a pooled tensor and of every view of it (Reshape, Detach, Flat): it
// returns to the pool when each of those tensors has been released.
type storage struct {
	refs   atomic.Int32
	serial uint64 // when it was handed out: allocSerial's value then
	buf    any    // the whole slice, as allocated
	key    poolKey
	bytes  int64
}

type poolKey struct {
	dt dtype.DType
	n  int
}

// pooledMin and poisonAll mirror the configuration for the lock-free path of small tensors:
// the smallest size pooled (MaxInt64 when pooling is off) and PoolConfig.Poison.
var (
	pooledMin atomic.Int64
	poisonAll atomic.Bool
)

func init() { pooledMin.Store(int64(pool.cfg.MinBytes)) }

// allocSerial numbers the pooled allocations (see [MemoryEpoch]).
var allocSerial atomic.Uint64

var pool = struct {
	mu    sync.Mutex
	free  map[poolKey][]*storage
	cfg   PoolConfig
	stats PoolStats
}{
	free: map[poolKey][]*storage{},
	cfg:  PoolConfig{MinBytes: 32 << 10, MaxBytes: 1 << 30},
}

// SetPoolConfig replaces the pool's configuration and returns the previous one. Lowering
// MaxBytes frees retained buffers beyond the new bound.
func SetPoolConfig(c PoolConfig) (old PoolConfig) {
	if c.MinBytes < 0 || c.MaxBytes < 0 {
		errs.Panic("tensor.SetPoolConfig", "negative bound: MinBytes %d, MaxBytes %d", c.MinBytes, c.MaxBytes)
	}
	pool.mu.Lock()
	defer pool.mu.Unlock()
	old, pool.cfg = pool.cfg, c
	pooledMin.Store(int64(c.MinBytes))
	if c.MaxBytes == 0 {
		pooledMin.Store(math.MaxInt64)
	}
	poisonAll.Store(c.Poison)
	for k, list := range pool.free {
		for len(list) > 0 && pool.stats.Retained > c.MaxBytes {
			pool.stats.Retained -= list[0].bytes
			pool.stats.Dropped++
			list = list[1:] // the oldest first
		}
		if len(list) == 0 {
			delete(pool.free, k)
		} else {
			pool.free[k] = list
		}
	}
	return old
}

// ReadPoolStats returns the pool's counters.
func ReadPoolStats() PoolStats {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return pool.stats
}

// NewUninit returns a tensor of type dt and shape s whose contents are unspecified: memory
// drawn from the pool holds what its last user left there. It is for kernels and loops that
// write every element before reading any; everything else wants [New]. It panics with a
// *core.Error on an invalid dtype or a negative or unknown dimension.
func NewUninit(dt dtype.DType, s shape.Shape) *Tensor {
	if !dt.Valid() {
		errs.Panic("tensor.NewUninit", "invalid dtype %v", dt)
	}
	s = checkDims("tensor.NewUninit", s)
	t, garbage := newPooled(dt, s, false)
	if garbage {
		poison(t.data)
	}
	return t
}

// newPooled returns a tensor whose data comes from the pool when it is large enough and a
// buffer is free, zero-filled when zero is set; otherwise from the Go allocator (zero-filled).
// It also reports whether the pool is configured to poison uninitialised buffers.
func newPooled(dt dtype.DType, s shape.Shape, zero bool) (_ *Tensor, poisoned bool) {
	n := s.Size()
	bytes := int64(n) * int64(dt.Size())
	if bytes < pooledMin.Load() {
		return &Tensor{dt: dt, shape: s, data: makeData(dt, n)}, poisonAll.Load()
	}
	pool.mu.Lock()
	poisoned = pool.cfg.Poison
	if bytes < int64(pool.cfg.MinBytes) || pool.cfg.MaxBytes == 0 { // changed since the check above
		pool.mu.Unlock()
		return &Tensor{dt: dt, shape: s, data: makeData(dt, n)}, poisoned
	}
	key := poolKey{dt, n}
	var m *storage
	if list := pool.free[key]; len(list) > 0 {
		m = list[len(list)-1]
		list[len(list)-1] = nil
		pool.free[key] = list[:len(list)-1]
		pool.stats.Retained -= m.bytes
		pool.stats.Hits++
	} else {
		pool.stats.Misses++
	}
	pool.mu.Unlock()
	if m == nil {
		m = &storage{buf: makeData(dt, n), key: key, bytes: bytes}
	} else if zero {
		clearData(m.buf)
	}
	m.refs.Store(1)
	m.serial = allocSerial.Add(1)
	return &Tensor{dt: dt, shape: s, data: m.buf, mem: m}, poisoned
}

// MemoryEpoch returns a mark of the pool's allocations so far: [Tensor.AllocatedAfter] tells
// whether a tensor's memory was handed out after the mark. Package autodiff uses it to recognise
// the gradients a backward pass made itself, which nothing else can hold, and release them.
func MemoryEpoch() uint64 { return allocSerial.Load() }

// AllocatedAfter reports whether t's memory was drawn from the pool (new or reused) after
// epoch, a value of [MemoryEpoch]. Memory below the pool's MinBytes, wrapped Go slices and
// symbolic tensors report false.
func (t *Tensor) AllocatedAfter(epoch uint64) bool { return t.mem != nil && t.mem.serial > epoch }

// share returns m with one more reference, for a new view of its memory (nil stays nil).
func (m *storage) share() *storage {
	if m != nil {
		m.refs.Add(1)
	}
	return m
}

// Release tells the pool that t will not be used again: its memory is reused by a later
// tensor of the same dtype and size once t and every view sharing it (made with Reshape, Detach
// or Flat) have been released. Any later use of t panics with a *core.Error saying it was
// released, as does releasing it twice; slices obtained from t with [Data] or Raw must not be
// used after Release either, since another tensor may then own that memory. Releasing is never
// required: an unreleased tensor is reclaimed by the collector like any Go value.
//
// A variable's storage (see [Tensor.Mutable]) and a symbolic tensor cannot be released.
func (t *Tensor) Release() {
	switch {
	case t.released:
		errs.Panic("tensor.Release", "%s%v tensor was already released", t.dt, t.shape)
	case t.sym != nil:
		errs.Panic("tensor.Release", "tensor is symbolic (%s %v in a graph being traced): it has no memory to release", t.dt, t.shape)
	case t.mutable:
		errs.Panic("tensor.Release", "tensor is a variable's storage (%s%v); it lives as long as the variable", t.dt, t.shape)
	}
	m := t.mem
	t.data, t.mem, t.released = nil, nil, true
	if m == nil || m.refs.Add(-1) != 0 {
		return
	}
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if pool.stats.Retained+m.bytes > pool.cfg.MaxBytes {
		pool.stats.Dropped++
		return
	}
	pool.free[m.key] = append(pool.free[m.key], m)
	pool.stats.Retained += m.bytes
	pool.stats.Released++
}

// Released reports whether [Tensor.Release] was called on t.
func (t *Tensor) Released() bool { return t.released }

func (t *Tensor) releasedError(op string) {
	errs.Panic(op, "%s%v tensor was released: its memory may belong to another tensor now", t.dt, t.shape)
}

// clearData sets every element of a []T to zero.
func clearData(d any) {
	switch s := d.(type) {
	case []bool:
		clear(s)
	case []uint8:
		clear(s)
	case []int8:
		clear(s)
	case []int32:
		clear(s)
	case []int64:
		clear(s)
	case []dtype.F16:
		clear(s)
	case []dtype.BF16:
		clear(s)
	case []float32:
		clear(s)
	case []float64:
		clear(s)
	default:
		panic(fmt.Sprintf("tensor: clearData of %T", d))
	}
}

// poison fills d with garbage: every byte 0x7f (3.4e38 in float32, 1.4e306 in float64, NaN in
// float16 and bfloat16, large positive integers), true for bools (any other byte is not a bool).
func poison(d any) {
	if b, ok := d.([]bool); ok {
		for i := range b {
			b[i] = true
		}
		return
	}
	var p unsafe.Pointer
	var size int
	switch s := d.(type) {
	case []uint8:
		p, size = unsafe.Pointer(unsafe.SliceData(s)), len(s)
	case []int8:
		p, size = unsafe.Pointer(unsafe.SliceData(s)), len(s)
	case []int32:
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 4*len(s)
	case []int64:
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 8*len(s)
	case []dtype.F16:
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 2*len(s)
	case []dtype.BF16:
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 2*len(s)
	case []float32:
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 4*len(s)
	case []float64:
		p, size = unsafe.Pointer(unsafe.SliceData(s)), 8*len(s)
	}
	if size == 0 {
		return
	}
	b := unsafe.Slice((*byte)(p), size)
	for i := range b {
		b[i] = 0x7f
	}
}
