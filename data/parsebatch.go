package data

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"

	"github.com/tideml/tide/io/example"
	"github.com/tideml/tide/io/tfrecord"
)

// batchParser parses serialized Examples into the tensors of one element. Its
// example.Batch scratch (per-feature lengths and the like) is pooled, and so is the
// memory of the FixedLen tensors of the elements that their consumer released
// ([Element.Release]), so that parsing a batch allocates next to nothing when the
// consumer releases batches. It is safe for concurrent use.
type batchParser struct {
	p    *example.Parser
	spec example.Spec
	out  Spec
	keys []string
	rows int       // the most examples an element holds: the batch size, or 1
	pool sync.Pool // of *example.Batch
	mem  sync.Pool // of *tensorMem released by consumers
}

func newBatchParser(p *example.Parser, spec example.Spec, out Spec, rows int) *batchParser {
	bp := &batchParser{p: p, spec: spec, out: out, keys: p.Keys(), rows: rows}
	bp.pool.New = func() any { return p.NewBatch() }
	return bp
}

// tensorMem is the memory of the FixedLen tensors of one element, by the index of
// their key: floats for float features, ints for int64 ones, each with room for the
// values of the parser's rows examples.
type tensorMem struct {
	floats [][]float32
	ints   [][]int64
	bp     *batchParser
}

var _ recycler = (*tensorMem)(nil)

// recycle hands m back to its parser, for the next elements.
func (m *tensorMem) recycle() { m.bp.mem.Put(m) }

// getMem returns memory for the FixedLen features of one element: memory that a
// consumer released, or new. Released memory is reused as it is, without clearing:
// parsing overwrites every value the next tensors hold.
func (bp *batchParser) getMem() *tensorMem {
	if m, ok := bp.mem.Get().(*tensorMem); ok {
		return m
	}
	m := &tensorMem{floats: make([][]float32, len(bp.keys)), ints: make([][]int64, len(bp.keys)), bp: bp}
	for i, k := range bp.keys {
		f := bp.spec[k]
		if f.Layout != example.LayoutFixedLen {
			continue
		}
		switch size := bp.rows * f.Size(); f.Kind {
		case example.KindFloat:
			m.floats[i] = make([]float32, 0, size)
		case example.KindInt64:
			m.ints[i] = make([]int64, 0, size)
		}
	}
	return m
}

// parse parses records into one element: a batch of n records when n > 0, else the one
// record records yields. The values of FixedLen features are decoded straight into the
// tensors' memory, which the element's consumer may hand back for reuse.
func (bp *batchParser) parse(n int, records iter.Seq[[]byte]) (Element, error) {
	b := bp.pool.Get().(*example.Batch)
	defer bp.pool.Put(b)
	b.Reset()
	m := bp.getMem()
	bp.attach(b, m)
	i := 0
	for rec := range records {
		if err := bp.p.Append(b, rec); err != nil {
			bp.detach(b, m)
			m.recycle() // no tensor uses it
			if n == 0 {
				return Element{}, err
			}
			return Element{}, fmt.Errorf("record %d of the batch: %w", i, err)
		}
		i++
	}
	if n > 0 && i < n {
		bp.detach(b, m)
		m.recycle()
		return Element{}, errCut
	}
	batch := 0
	if n > 0 {
		batch = b.Len()
	}
	e, err := exampleTensors(b, bp.spec, bp.out, batch)
	bp.detach(b, m)
	e.rel = &releaser{mem: m}
	return e, err
}

// errCut is the error of parse when records stops before the n records of the batch
// (at a damaged one).
var errCut = errors.New("data: batch cut short")

// attach makes the FixedLen features of b parse into the memory m.
func (bp *batchParser) attach(b *example.Batch, m *tensorMem) {
	for i, k := range bp.keys {
		v := b.Get(k)
		if m.floats[i] != nil {
			v.Floats = m.floats[i][:0]
		}
		if m.ints[i] != nil {
			v.Int64s = m.ints[i][:0]
		}
	}
}

// detach makes b forget the value slices that the tensors just built may share, so that
// parsing into b again cannot overwrite them. The memory of FixedLen features goes to
// m, which then holds the very memory the tensors use.
func (bp *batchParser) detach(b *example.Batch, m *tensorMem) {
	for i, k := range bp.keys {
		v := b.Get(k)
		if m.floats[i] != nil {
			m.floats[i] = v.Floats[:0]
		}
		if m.ints[i] != nil {
			m.ints[i] = v.Int64s[:0]
		}
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
	chunks []fileChunk
	n      int
}

// fileChunk is a chunk of records and the index of the file they come from.
type fileChunk struct {
	*tfrecord.Chunk
	file int
}

// records iterates over the records of rb, checking the data CRC of each (when the
// reader left it unchecked) just before handing it on, while its bytes are about to
// be read anyway. It stops at a damaged record, whose error it stores in *damaged.
func (rb *recordBatch) records(damaged *error) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for _, c := range rb.chunks {
			for i := range c.Len() {
				if err := c.Verify(i); err != nil {
					*damaged = &damagedFile{file: c.file, err: fmt.Errorf("data: %w", err)}
					return
				}
				if !yield(c.Record(i)) {
					return
				}
			}
		}
	}
}

// verify returns the error of the first damaged record of rb, or nil.
func (rb *recordBatch) verify() error {
	var damaged error
	for range rb.records(&damaged) {
	}
	return damaged
}

// release hands rb's chunks back for reuse and empties rb.
func (rb *recordBatch) release(free *chunkPool) {
	for _, c := range rb.chunks {
		free.put(c.Chunk)
	}
	*rb = recordBatch{}
}

// damagedFile is the error of a batch in which a worker found a damaged record, which
// ends the record's file: the pass goes on with the next one (see parseBatches).
type damagedFile struct {
	file int
	err  error
}

func (e *damagedFile) Error() string { return e.err.Error() }

// chunkPool keeps the chunks of one pass for reuse, last in first out: the chunk read
// into next is the one parsed last, whose memory is likely still in a cache. Passes
// hand their chunks on to the next through spare, since fresh memory costs a page
// fault per page.
type chunkPool struct {
	mu    sync.Mutex
	free  []*tfrecord.Chunk
	max   int
	spare *sync.Pool
}

// get returns a chunk to read into: a free one, one that an earlier pass left, or a
// new one.
func (p *chunkPool) get() *tfrecord.Chunk {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		c := p.free[n-1]
		p.free = p.free[:n-1]
		return c
	}
	if c, ok := p.spare.Get().(*tfrecord.Chunk); ok {
		return c
	}
	return new(tfrecord.Chunk)
}

// leave hands the free chunks on to later passes, at the end of a pass.
func (p *chunkPool) leave() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.free {
		p.spare.Put(c)
	}
	p.free = nil
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
//
// When results keep their order (not [Deterministic](false)), the data CRCs are checked
// on the workers, record by record as they parse (see [tfrecord.WithDeferredDataCheck]),
// rather than by the reading goroutine: that shares the cost among the workers and
// reads each record's bytes while they are in a cache. The reader then reads on past a
// damaged record, into batches that the general path would not make; so when the
// damaged batch's error comes, in order, the run of the map machinery is stopped,
// dropping what it read beyond, and a new one starts at the next file, where batching
// starts afresh as it does after a file's error.
func (f *recordFiles) parseBatches(n int, bp *batchParser, o options) *Dataset {
	_, most := workers(o.parallel)
	deferCheck := !o.nondet
	var spare sync.Pool // of the chunks that passes leave, for the next passes
	return newDataset(bp.out, batchCard(UnknownCardinality, n, o.dropRemainder), func(ctx context.Context, yield func(Element, error) bool) {
		// Chunks in flight: being read, waiting, being parsed, and some spare.
		free := &chunkPool{max: 2*most + o.buffer + 4, spare: &spare}
		defer free.leave()
		var done int64 // batches and errors of the pass so far
		for from := 0; from < len(f.paths); {
			first := done // the index in the pass of the run's first batch
			fn := func(_ context.Context, idx int64, rb recordBatch) (Element, error) {
				defer rb.release(free)
				return parseBatch(bp, rb, o.outSpec, first+idx)
			}
			src := f.batches(from, n, o.dropRemainder, deferCheck, free)
			var damaged *damagedFile
			mapGen(src, func() elemFunc[recordBatch] { return fn }, o)(ctx, func(e Element, err error) bool {
				done++
				if d, ok := err.(*damagedFile); ok {
					damaged = d
					return false // stop the run: it read beyond the damaged record
				}
				return yield(e, err)
			})
			if damaged == nil || !yield(Element{}, damaged.err) {
				return // the pass ended, or the consumer stopped
			}
			from = damaged.file + 1
		}
	})
}

// parseBatch parses the records of rb into one element, the batch of index idx. A
// damaged record makes it a *damagedFile error, even after a record that did not
// parse: as when the reader checks the CRCs, the file's error is the batch's.
func parseBatch(bp *batchParser, rb recordBatch, spec *Spec, idx int64) (Element, error) {
	var damaged error
	e, err := bp.parse(rb.n, rb.records(&damaged))
	if err != nil && damaged == nil {
		damaged = rb.verify()
	}
	if damaged != nil {
		e.Release()
		return Element{}, damaged
	}
	return checkResult(spec, idx, e, err)
}

// batches returns the pass function of the batches of n records of the files from
// the one of index from on, whose data CRCs are left to the workers if deferCheck.
func (f *recordFiles) batches(from, n int, drop, deferCheck bool, free *chunkPool) source[recordBatch] {
	return func(ctx context.Context, yield func(recordBatch, error) bool) {
		var cur recordBatch
		for i := from; i < len(f.paths); i++ {
			if !f.batchesOf(ctx, i, n, deferCheck, &cur, free, yield) || ctx.Err() != nil {
				return
			}
		}
		switch {
		case cur.n > 0 && !drop:
			yield(cur, nil)
		case cur.n > 0:
			// Records read but dropped must still be checked, as the general path
			// checks every record it reads.
			if err := dropBatch(&cur, free); err != nil {
				yield(recordBatch{}, err)
			}
		}
	}
}

// dropBatch releases the batch cur, whose records are dropped, and returns the error
// of the first damaged record among them (a *damagedFile), which the general path
// reports in their place, or nil.
func dropBatch(cur *recordBatch, free *chunkPool) error {
	err := cur.verify()
	cur.release(free)
	return err
}

// batchesOf reads file i, completing the batch cur and yielding each full one. It
// reports whether to go on with the next file.
func (f *recordFiles) batchesOf(ctx context.Context, i, n int, deferCheck bool, cur *recordBatch, free *chunkPool, yield func(recordBatch, error) bool) bool {
	fail := func(err error) bool {
		if damaged := dropBatch(cur, free); damaged != nil {
			err = damaged // an earlier record of the batch ended its file first
		}
		return yield(recordBatch{}, err)
	}
	opts := []tfrecord.Option{tfrecord.WithCompression(f.compression)}
	if f.compression == tfrecord.None {
		// ReadChunk reads the file itself: the reader's buffer would be fresh
		// memory that is never used.
		opts = append(opts, tfrecord.WithBufferSize(4<<10))
	}
	if deferCheck {
		opts = append(opts, tfrecord.WithDeferredDataCheck())
	}
	r, err := tfrecord.Open(f.paths[i], opts...)
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
			cur.chunks = append(cur.chunks, fileChunk{c, i})
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
