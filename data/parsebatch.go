package data

import (
	"context"
	"fmt"
	"io"
	"iter"
	"sync"

	"github.com/tideml/tide/io/example"
	"github.com/tideml/tide/io/tfrecord"
)

// batchParser parses serialized Examples into the tensors of one element. Its
// example.Batch scratch (per-feature lengths and the like) is pooled, so that parsing
// allocates little more than the tensors themselves. It is safe for concurrent use.
type batchParser struct {
	p    *example.Parser
	spec example.Spec
	out  Spec
	keys []string
	pool sync.Pool // of *example.Batch
}

func newBatchParser(p *example.Parser, spec example.Spec, out Spec) *batchParser {
	bp := &batchParser{p: p, spec: spec, out: out, keys: p.Keys()}
	bp.pool.New = func() any { return p.NewBatch() }
	return bp
}

// parse parses records into one element: a batch of n records when n > 0, else the one
// record records yields. The values of FixedLen features are decoded straight into the
// tensors' memory.
func (bp *batchParser) parse(n int, records iter.Seq[[]byte]) (Element, error) {
	b := bp.pool.Get().(*example.Batch)
	defer bp.pool.Put(b)
	b.Reset()
	bp.presize(b, max(n, 1))
	i := 0
	for rec := range records {
		if err := bp.p.Append(b, rec); err != nil {
			if n == 0 {
				return Element{}, err
			}
			return Element{}, fmt.Errorf("record %d of the batch: %w", i, err)
		}
		i++
	}
	batch := 0
	if n > 0 {
		batch = b.Len()
	}
	e, err := exampleTensors(b, bp.spec, bp.out, batch)
	bp.detach(b)
	return e, err
}

// presize gives each FixedLen feature of b room for the values of n examples: one
// allocation of exactly the memory its tensor will have.
func (bp *batchParser) presize(b *example.Batch, n int) {
	for _, k := range bp.keys {
		f := bp.spec[k]
		if f.Layout != example.LayoutFixedLen {
			continue
		}
		v, size := b.Get(k), n*f.Size()
		switch f.Kind {
		case example.KindFloat:
			if cap(v.Floats) < size {
				v.Floats = make([]float32, 0, size)
			}
		case example.KindInt64:
			if cap(v.Int64s) < size {
				v.Int64s = make([]int64, 0, size)
			}
		}
	}
}

// detach makes b forget the value slices that the tensors just built may share, so that
// parsing into b again cannot overwrite them.
func (bp *batchParser) detach(b *example.Batch) {
	for _, k := range bp.keys {
		v := b.Get(k)
		v.Floats, v.Int64s = nil, nil
	}
}

// recordFiles are TFRecord files read one after the other.
type recordFiles struct {
	paths       []string
	compression tfrecord.Compression
}

// recordBatch is the records of one batch: the chunks they were read in, in order.
type recordBatch struct {
	chunks []*tfrecord.Chunk
	n      int
}

// records iterates over the records of rb.
func (rb *recordBatch) records(yield func([]byte) bool) {
	for _, c := range rb.chunks {
		for i := range c.Len() {
			if !yield(c.Record(i)) {
				return
			}
		}
	}
}

// release hands rb's chunks back for reuse and empties rb.
func (rb *recordBatch) release(free *chunkPool) {
	for _, c := range rb.chunks {
		free.put(c)
	}
	*rb = recordBatch{}
}

// chunkPool keeps the chunks of one pass for reuse, last in first out: the chunk read
// into next is the one parsed last, whose memory is likely still in a cache.
type chunkPool struct {
	mu   sync.Mutex
	free []*tfrecord.Chunk
	max  int
}

// get returns a chunk to read into: a free one, or a new one.
func (p *chunkPool) get() *tfrecord.Chunk {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		c := p.free[n-1]
		p.free = p.free[:n-1]
		return c
	}
	return new(tfrecord.Chunk)
}

// put hands c back for reuse.
func (p *chunkPool) put(c *tfrecord.Chunk) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < p.max {
		p.free = append(p.free, c)
	} // else enough are kept; the collector takes this one
}

// parseBatches is [Dataset.ParseExampleBatch] of the records of f, read by chunks: the
// batches of records go to the map machinery (parallel or not, with the options o) in
// place of elements, and each is parsed, its chunks then being reused.
//
// Batches and errors come in the order, and with the contents, of the general path: an
// error of a file is yielded in place of the batch it falls in, whose records are
// dropped, and batching goes on with the next file.
func (f *recordFiles) parseBatches(n int, bp *batchParser, o options) *Dataset {
	_, most := workers(o.parallel)
	return newDataset(bp.out, batchCard(UnknownCardinality, n, o.dropRemainder), func(ctx context.Context, yield func(Element, error) bool) {
		// Chunks in flight: being read, waiting, being parsed, and some spare.
		free := &chunkPool{max: 2*most + o.buffer + 4}
		fn := func(_ context.Context, idx int64, rb recordBatch) (Element, error) {
			defer rb.release(free)
			e, err := bp.parse(rb.n, rb.records)
			return checkResult(o.outSpec, idx, e, err)
		}
		gen := mapGen(f.batches(n, o.dropRemainder, free), func() elemFunc[recordBatch] { return fn }, o)
		gen(ctx, yield)
	})
}

// batches returns the pass function of the batches of n records of the files.
func (f *recordFiles) batches(n int, drop bool, free *chunkPool) source[recordBatch] {
	return func(ctx context.Context, yield func(recordBatch, error) bool) {
		var cur recordBatch
		for _, path := range f.paths {
			if !f.batchesOf(ctx, path, n, &cur, free, yield) || ctx.Err() != nil {
				return
			}
		}
		if cur.n > 0 && !drop {
			yield(cur, nil)
		}
	}
}

// batchesOf reads the file at path, completing the batch cur and yielding each full
// one. It reports whether to go on with the next file.
func (f *recordFiles) batchesOf(ctx context.Context, path string, n int, cur *recordBatch, free *chunkPool, yield func(recordBatch, error) bool) bool {
	fail := func(err error) bool {
		cur.release(free)
		return yield(recordBatch{}, err)
	}
	r, err := tfrecord.Open(path, tfrecord.WithCompression(f.compression))
	if err != nil {
		return fail(fmt.Errorf("data: %w", err))
	}
	defer r.Close()
	for {
		if err := ctx.Err(); err != nil {
			fail(err)
			return false
		}
		c := free.get()
		err := r.ReadChunk(c, n-cur.n)
		if c.Len() > 0 {
			cur.chunks = append(cur.chunks, c)
			cur.n += c.Len()
		} else {
			free.put(c)
		}
		if cur.n == n {
			full := *cur
			*cur = recordBatch{}
			if !yield(full, nil) {
				return false
			}
		}
		switch {
		case err == io.EOF:
			return true
		case err != nil:
			return fail(fmt.Errorf("data: %w", err))
		}
	}
}
