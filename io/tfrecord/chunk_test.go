package tfrecord

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// readLog is what a reader gave: each record with its offset, and the error
// that ended the reading ("" for a clean end).
type readLog struct {
	recs []string
	offs []int64
	err  string
}

// readNext reads everything with Next.
func readNext(r *Reader) readLog {
	var l readLog
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return l
		}
		if err != nil {
			l.err = err.Error()
			return l
		}
		l.recs, l.offs = append(l.recs, string(rec)), append(l.offs, r.Offset())
	}
}

// readMixed reads everything following pattern, cyclically: a positive
// entry k is ReadChunk(c, k), 0 is a call of Next. One Chunk is reused.
func readMixed(r *Reader, pattern []int) readLog {
	var l readLog
	var c Chunk
	for i := 0; ; i++ {
		k := pattern[i%len(pattern)]
		if k == 0 {
			rec, err := r.Next()
			if err == io.EOF {
				return l
			}
			if err != nil {
				l.err = err.Error()
				return l
			}
			l.recs, l.offs = append(l.recs, string(rec)), append(l.offs, r.Offset())
			continue
		}
		err := r.ReadChunk(&c, k)
		for j := range c.Len() {
			l.recs, l.offs = append(l.recs, string(c.Record(j))), append(l.offs, c.Offset(j))
		}
		if err == nil && c.Len() != k {
			l.err = fmt.Sprintf("ReadChunk(%d) gave %d records and no error", k, c.Len())
			return l
		}
		if err == io.EOF {
			return l
		}
		if err != nil {
			l.err = err.Error()
			if err2 := r.ReadChunk(&c, k); err2 != err || c.Len() != 0 {
				l.err += fmt.Sprintf(" (not sticky: then %v with %d records)", err2, c.Len())
			}
			return l
		}
	}
}

// readDeferred is readMixed for a reader made with WithDeferredDataCheck:
// each record of a chunk is verified before it is logged, and the first
// error of Verify ends the reading.
func readDeferred(r *Reader, pattern []int) readLog {
	var l readLog
	var c Chunk
	for i := 0; ; i++ {
		k := pattern[i%len(pattern)]
		if k == 0 {
			rec, err := r.Next()
			if err == io.EOF {
				return l
			}
			if err != nil {
				l.err = err.Error()
				return l
			}
			l.recs, l.offs = append(l.recs, string(rec)), append(l.offs, r.Offset())
			continue
		}
		err := r.ReadChunk(&c, k)
		for j := range c.Len() {
			if verr := c.Verify(j); verr != nil {
				l.err = verr.Error()
				return l
			}
			l.recs, l.offs = append(l.recs, string(c.Record(j))), append(l.offs, c.Offset(j))
		}
		if err == io.EOF {
			return l
		}
		if err != nil {
			l.err = err.Error()
			return l
		}
	}
}

// sameAsNext fails t unless reading in with ReadChunk (mixed with Next as
// pattern says) gives exactly what Next gives.
func sameAsNext(t *testing.T, in []byte, opts []Option, pattern []int) {
	t.Helper()
	want := readNext(NewReader(bytes.NewReader(in), opts...))
	got := readMixed(NewReader(bytes.NewReader(in), opts...), pattern)
	diffLogs(t, got, want)
}

func diffLogs(t *testing.T, got, want readLog) {
	t.Helper()
	if strings.Join(got.recs, "\x00") != strings.Join(want.recs, "\x00") {
		t.Fatalf("records differ: %d, want %d", len(got.recs), len(want.recs))
	}
	if fmt.Sprint(got.offs) != fmt.Sprint(want.offs) {
		t.Fatalf("offsets %v, want %v", got.offs, want.offs)
	}
	if got.err != want.err {
		t.Fatalf("error %q, want %q", got.err, want.err)
	}
}

var chunkPatterns = [][]int{{1}, {3}, {1000}, {2, 0, 5, 0, 0}, {0, 7}}

func TestReadChunkFixtures(t *testing.T) {
	for _, f := range []struct {
		name string
		c    Compression
	}{{"records.tfrecord", None}, {"records.tfrecord.gz", GZIP}, {"records.tfrecord.zz", ZLIB}} {
		in, err := os.ReadFile("testdata/" + f.name)
		if err != nil {
			t.Fatal(err)
		}
		for _, bufSize := range []int{16, 64 << 10} {
			for _, p := range chunkPatterns {
				t.Run(fmt.Sprintf("%s/buf=%d/%v", f.name, bufSize, p), func(t *testing.T) {
					sameAsNext(t, in, []Option{WithCompression(f.c), WithBufferSize(bufSize)}, p)
				})
			}
		}
	}
}

// TestReadChunkTruncatedEverywhere cuts a file at every byte and reads it
// one byte per read, and all at once.
func TestReadChunkTruncatedEverywhere(t *testing.T) {
	full := frames("a", "", "hello world", strings.Repeat("z", 100))
	for cut := 0; cut <= len(full); cut++ {
		for _, p := range chunkPatterns {
			want := readNext(NewReader(bytes.NewReader(full[:cut]), WithName("x")))
			got := readMixed(NewReader(iotest.OneByteReader(bytes.NewReader(full[:cut])), WithName("x")), p)
			diffLogs(t, got, want)
			sameAsNext(t, full[:cut], []Option{WithName("x"), WithBufferSize(16)}, p)
		}
	}
}

// TestReadChunkCorrupt damages each byte of a file in turn: the records
// before the damage and the error are those of Next.
func TestReadChunkCorrupt(t *testing.T) {
	good := frames("first", "hello", "", "third record")
	for i := range good {
		bad := bytes.Clone(good)
		bad[i] ^= 0x21
		for _, p := range chunkPatterns {
			sameAsNext(t, bad, []Option{WithName("train.tfrecord")}, p)
			sameAsNext(t, bad, []Option{WithVerifyChecksums(false)}, p)
			sameAsNext(t, bad, []Option{WithMaxRecordSize(6)}, p)
			for _, opts := range [][]Option{{WithName("train.tfrecord")}, {WithVerifyChecksums(false)}} {
				want := readNext(NewReader(bytes.NewReader(bad), opts...))
				got := readDeferred(NewReader(bytes.NewReader(bad), append(opts, WithDeferredDataCheck())...), p)
				diffLogs(t, got, want)
			}
		}
	}
}

// TestChunkVerify checks that a chunk read with deferred data checks holds
// the records after a damaged one, that Verify names the damaged one as
// ReadChunk does, and that a chunk read without deferral verifies nothing.
func TestChunkVerify(t *testing.T) {
	in := frames("first", "hello", "third record")
	in[12+5+4+12+1] ^= 1 // the "e" of "hello"
	var c Chunk
	err := NewReader(bytes.NewReader(in), WithName("f"), WithDeferredDataCheck()).ReadChunk(&c, 10)
	if err != io.EOF || c.Len() != 3 {
		t.Fatalf("deferred: %d records, %v", c.Len(), err)
	}
	const want = "tfrecord: f: corrupt record at offset 21: data crc mismatch"
	for i, bad := range []bool{false, true, false} {
		err := c.Verify(i)
		if bad != (err != nil) || bad && (!strings.HasPrefix(err.Error(), want) || !errors.Is(err, ErrCorrupt)) {
			t.Errorf("Verify(%d) = %v", i, err)
		}
	}
	err = NewReader(bytes.NewReader(in), WithName("f")).ReadChunk(&c, 10)
	if err == nil || !strings.HasPrefix(err.Error(), want) || c.Len() != 1 || c.Verify(0) != nil {
		t.Errorf("checked: %d records, %v", c.Len(), err)
	}
}

func TestReadChunkUnderlyingError(t *testing.T) {
	boom := errors.New("disk on fire")
	for _, p := range chunkPatterns {
		src := io.MultiReader(bytes.NewReader(frames("ok", "fine")), errReader{boom})
		l := readMixed(NewReader(src, WithName("f")), p)
		if len(l.recs) != 2 || l.err != "tfrecord: f: read error in record at offset 38: disk on fire" {
			t.Errorf("%v: %q, %s", p, l.recs, l.err)
		}
	}
	var c Chunk
	err := NewReader(strings.NewReader("x"), WithCompression(Compression(9))).ReadChunk(&c, 4)
	if err == nil || err.Error() != "tfrecord: unknown compression Compression(9)" {
		t.Errorf("unknown compression: %v", err)
	}
}

// TestReadChunkHostileLength gives a valid length CRC for a length of 2^60:
// ReadChunk must fail at the end of the input without trying to allocate it.
func TestReadChunkHostileLength(t *testing.T) {
	if math.MaxInt < 1<<60 {
		t.Skip("2^60 does not fit an int here: it is rejected as too large at once")
	}
	var hdr [12]byte
	binary.LittleEndian.PutUint64(hdr[:], 1<<60)
	binary.LittleEndian.PutUint32(hdr[8:], MaskedCRC(hdr[:8]))
	in := append(frames("ok"), append(hdr[:], make([]byte, 3<<20)...)...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var c Chunk
	err := NewReader(bytes.NewReader(in), WithName("evil")).ReadChunk(&c, 10)
	runtime.ReadMemStats(&after)
	want := fmt.Sprintf("tfrecord: evil: truncated record at offset 18: data has %d of %d bytes", 3<<20, uint64(1)<<60)
	if err == nil || err.Error() != want || c.Len() != 1 || string(c.Record(0)) != "ok" {
		t.Errorf("error %v with %d records, want %q after one", err, c.Len(), want)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 12<<20 {
		t.Errorf("reading 3 MiB with a 2^60 length allocated %d bytes", d)
	}
}

// TestReadChunkReuse checks that a reused Chunk makes reading allocate
// nothing, and that its reads are large: a handful per chunk.
func TestReadChunkReuse(t *testing.T) {
	rec := strings.Repeat("x", 3000)
	in := bytes.Repeat(frames(rec), 5000)
	cr := &countingReader{r: bytes.NewReader(in)}
	r := NewReader(cr)
	var c Chunk
	for range 3 {
		if err := r.ReadChunk(&c, 128); err != nil {
			t.Fatal(err)
		}
	}
	reads := cr.n
	allocs := testing.AllocsPerRun(20, func() {
		if err := r.ReadChunk(&c, 128); err != nil || c.Len() != 128 || string(c.Record(127)) != rec {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ReadChunk into a reused Chunk allocates %v times", allocs)
	}
	if per := float64(cr.n-reads) / 21; per > 2 {
		t.Errorf("%.1f reads of the input per chunk of 128 records", per)
	}
	if c.Size() != 128*(len(rec)+16) {
		t.Errorf("Size() = %d", c.Size())
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.n++
	return c.r.Read(p)
}
