package tfrecord

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// fixtureRecords returns the lengths and SHA-256 sums of the records that
// testdata/gen.py wrote.
func fixtureRecords(t *testing.T) (lens []int, sums []string) {
	t.Helper()
	f, err := os.Open("testdata/records.sha256")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var n int
		var sum string
		if _, err := fmt.Sscanf(sc.Text(), "%d %s", &n, &sum); err != nil {
			t.Fatal(err)
		}
		lens, sums = append(lens, n), append(sums, sum)
	}
	return lens, sums
}

func TestReadFixtures(t *testing.T) {
	lens, sums := fixtureRecords(t)
	files := []struct {
		name string
		c    Compression
	}{
		{"records.tfrecord", None},
		{"records.tfrecord.gz", GZIP},
		{"records.tfrecord.zz", ZLIB},
	}
	for _, f := range files {
		for _, bufSize := range []int{64 << 10, 16, defaultBufferSize} {
			for _, reuse := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/buf=%d/reuse=%v", f.name, bufSize, reuse), func(t *testing.T) {
					opts := []Option{WithCompression(f.c), WithBufferSize(bufSize)}
					if reuse {
						opts = append(opts, WithReuseBuffer())
					}
					r, err := Open(filepath.Join("testdata", f.name), opts...)
					if err != nil {
						t.Fatal(err)
					}
					defer r.Close()
					var off int64
					for i := 0; ; i++ {
						rec, err := r.Next()
						if err == io.EOF {
							if i != len(lens) {
								t.Fatalf("read %d records, want %d", i, len(lens))
							}
							break
						}
						if err != nil {
							t.Fatalf("record %d: %v", i, err)
						}
						if i >= len(lens) {
							t.Fatalf("more than %d records", len(lens))
						}
						sum := sha256.Sum256(rec)
						if len(rec) != lens[i] || hex.EncodeToString(sum[:]) != sums[i] {
							t.Errorf("record %d: %d bytes with sum %x, want %d bytes, %s", i, len(rec), sum, lens[i], sums[i])
						}
						if r.Offset() != off {
							t.Errorf("record %d: Offset() = %d, want %d", i, r.Offset(), off)
						}
						off += int64(len(rec) + 16)
					}
				})
			}
		}
	}
}

// TestFixtureFramingExact checks our framing against the independent
// implementation byte for byte.
func TestFixtureFramingExact(t *testing.T) {
	want, err := os.ReadFile("testdata/records.tfrecord")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadFile("testdata/records.tfrecord")
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	for _, rec := range recs {
		got = AppendRecord(got, rec)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("re-framed records differ from testdata/records.tfrecord")
	}
	if hex.EncodeToString(recs[0]) != specExample {
		t.Errorf("first record = %x, want the specification's Example", recs[0])
	}
}

// frames returns records framed back to back.
func frames(recs ...string) []byte {
	var b []byte
	for _, r := range recs {
		b = AppendRecord(b, []byte(r))
	}
	return b
}

func readAll(r *Reader) ([]string, error) {
	var out []string
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, string(rec))
	}
}

func TestCorrupt(t *testing.T) {
	good := frames("first", "hello", "third")
	second := int64(16 + len("first"))
	tests := []struct {
		name   string
		modify func(b []byte)
		want   string
		is     error
	}{
		{
			"length crc",
			func(b []byte) { b[second+8] ^= 1 },
			"tfrecord: train.tfrecord: corrupt record at offset 21: length crc mismatch (stored 0x3e04b2eb, computed 0x3e04b2ea)",
			ErrCorrupt,
		},
		{
			"length",
			func(b []byte) { b[second] = 6 },
			"tfrecord: train.tfrecord: corrupt record at offset 21: length crc mismatch (stored 0x3e04b2ea, computed 0x",
			ErrCorrupt,
		},
		{
			"data",
			func(b []byte) { b[second+12] = 'j' },
			"tfrecord: train.tfrecord: corrupt record at offset 21: data crc mismatch (stored 0x191c1fbb, computed 0x",
			ErrCorrupt,
		},
		{
			"data crc",
			func(b []byte) { b[second+12+5+3] ^= 0x80 },
			"tfrecord: train.tfrecord: corrupt record at offset 21: data crc mismatch (stored 0x991c1fbb, computed 0x191c1fbb)",
			ErrCorrupt,
		},
	}
	for _, tt := range tests {
		b := bytes.Clone(good)
		tt.modify(b)
		r := NewReader(bytes.NewReader(b), WithName("train.tfrecord"))
		recs, err := readAll(r)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want prefix %q", tt.name, err, tt.want)
		}
		if !errors.Is(err, tt.is) {
			t.Errorf("%s: errors.Is(%v, %v) is false", tt.name, err, tt.is)
		}
		var re *RecordError
		if !errors.As(err, &re) || re.Offset != second || re.Name != "train.tfrecord" {
			t.Errorf("%s: error %#v, want a *RecordError at offset %d", tt.name, err, second)
		}
		if len(recs) != 1 || recs[0] != "first" {
			t.Errorf("%s: records before the error = %q", tt.name, recs)
		}
		if r.Offset() != second {
			t.Errorf("%s: Offset() = %d, want %d", tt.name, r.Offset(), second)
		}
		// Errors are sticky.
		if _, err2 := r.Next(); err2 != err {
			t.Errorf("%s: second Next = %v, want %v", tt.name, err2, err)
		}
		// Without checksum checks the damaged data comes back.
		if tt.name == "data" || tt.name == "data crc" {
			recs, err := readAll(NewReader(bytes.NewReader(b), WithVerifyChecksums(false)))
			if err != nil || len(recs) != 3 {
				t.Errorf("%s: unverified read = %q, %v", tt.name, recs, err)
			}
		}
	}
}

// TestTruncatedEverywhere cuts a small file at every byte position.
func TestTruncatedEverywhere(t *testing.T) {
	recs := []string{"a", "", "hello world"}
	full := frames(recs...)
	starts := []int{0}
	for _, r := range recs {
		starts = append(starts, starts[len(starts)-1]+16+len(r))
	}
	for cut := 0; cut <= len(full); cut++ {
		for _, bufSize := range []int{16, 4096} { // small and large record paths
			r := NewReader(iotest.OneByteReader(bytes.NewReader(full[:cut])), WithBufferSize(bufSize), WithName("x"))
			got, err := readAll(r)
			// Whole records before the cut come back.
			whole := 0
			for whole < len(recs) && starts[whole+1] <= cut {
				whole++
			}
			if len(got) != whole {
				t.Fatalf("cut %d: got %d records, want %d", cut, len(got), whole)
			}
			if cut == starts[whole] {
				if err != nil {
					t.Errorf("cut %d at a record boundary: %v", cut, err)
				}
				continue
			}
			var part string
			in := cut - starts[whole]
			n := len(recs[whole])
			switch {
			case in < 12:
				part = fmt.Sprintf("length header has %d of 12 bytes", in)
			case in < 12+n:
				part = fmt.Sprintf("data has %d of %d bytes", in-12, n)
			default:
				part = fmt.Sprintf("data crc has %d of 4 bytes", in-12-n)
			}
			want := fmt.Sprintf("tfrecord: x: truncated record at offset %d: %s", starts[whole], part)
			if err == nil || err.Error() != want || !errors.Is(err, ErrTruncated) {
				t.Errorf("cut %d buf %d: error %v, want %q", cut, bufSize, err, want)
			}
		}
	}
}

// TestHostileLength gives a valid length CRC for a length of 2^60: the
// reader must fail at the end of the input without trying to allocate it.
func TestHostileLength(t *testing.T) {
	if math.MaxInt < 1<<60 {
		t.Skip("2^60 does not fit an int here: it is rejected as too large at once")
	}
	var hdr [12]byte
	binary.LittleEndian.PutUint64(hdr[:], 1<<60)
	binary.LittleEndian.PutUint32(hdr[8:], MaskedCRC(hdr[:8]))
	in := append(hdr[:], make([]byte, 3<<20)...)
	for _, reuse := range []bool{false, true} {
		opts := []Option{WithName("evil")}
		if reuse {
			opts = append(opts, WithReuseBuffer())
		}
		r := NewReader(bytes.NewReader(in), opts...)
		_, err := r.Next()
		want := fmt.Sprintf("tfrecord: evil: truncated record at offset 0: data has %d of %d bytes", 3<<20, uint64(1)<<60)
		if err == nil || err.Error() != want {
			t.Errorf("reuse %v: error %v, want %q", reuse, err, want)
		}
		if reuse && cap(r.buf) > 8<<20 {
			t.Errorf("reuse: buffer grew to %d bytes for 3 MiB of input", cap(r.buf))
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	NewReader(bytes.NewReader(in)).Next()
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 16<<20 {
		t.Errorf("reading 3 MiB with a 2^60 length allocated %d bytes", d)
	}

	// Lengths that do not fit an int, and a configured limit.
	binary.LittleEndian.PutUint64(hdr[:], 1<<63+5)
	binary.LittleEndian.PutUint32(hdr[8:], MaskedCRC(hdr[:8]))
	_, err := NewReader(bytes.NewReader(hdr[:])).Next()
	if err == nil || !strings.Contains(err.Error(), "corrupt record at offset 0: length 9223372036854775813 is too large") {
		t.Errorf("length 2^63+5: %v", err)
	}
	_, err = NewReader(bytes.NewReader(frames("hello")), WithMaxRecordSize(4)).Next()
	if err == nil || err.Error() != "tfrecord: corrupt record at offset 0: length 5 exceeds the limit of 4 bytes" {
		t.Errorf("limit: %v", err)
	}
}

func TestReuseBuffer(t *testing.T) {
	want := []string{"aaaa", "bb", strings.Repeat("c", 100), "d", strings.Repeat("e", 5000)}
	for _, bufSize := range []int{16, 1024, defaultBufferSize} { // in place and through the record buffer
		got, err := readAll(NewReader(bytes.NewReader(frames(want...)), WithReuseBuffer(), WithBufferSize(bufSize)))
		if err != nil || strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("buf %d: %q, %v", bufSize, got, err)
		}
	}
	// Steady state allocates nothing per record.
	many := bytes.Repeat(frames(strings.Repeat("x", 300)), 1000)
	r := NewReader(bytes.NewReader(many), WithReuseBuffer())
	r.Next()
	allocs := testing.AllocsPerRun(500, func() {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Next with WithReuseBuffer allocates %v times per record", allocs)
	}
}

func TestRecordsIterator(t *testing.T) {
	in := frames("a", "b", "c")
	var got []string
	for rec, err := range Records(bytes.NewReader(in)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(rec))
	}
	if strings.Join(got, ",") != "a,b,c" {
		t.Errorf("Records = %q", got)
	}
	// Early break.
	got = got[:0]
	for rec := range Records(bytes.NewReader(in)) {
		got = append(got, string(rec))
		break
	}
	if len(got) != 1 {
		t.Errorf("break: %q", got)
	}
	// An error is yielded once and ends the sequence.
	bad := bytes.Clone(in)
	bad[len(bad)-1] ^= 1
	var errs []error
	got = got[:0]
	for rec, err := range Records(bytes.NewReader(bad)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, string(rec))
	}
	if len(got) != 2 || len(errs) != 1 || !errors.Is(errs[0], ErrCorrupt) {
		t.Errorf("damaged last record: records %q, errors %v", got, errs)
	}
}

func TestEmptyInputs(t *testing.T) {
	for _, c := range []Compression{None, GZIP, ZLIB} {
		recs, err := readAll(NewReader(bytes.NewReader(nil), WithCompression(c)))
		if err != nil || len(recs) != 0 {
			t.Errorf("%v: empty input gives %q, %v", c, recs, err)
		}
	}
	// A bad compression header names the file.
	_, err := NewReader(strings.NewReader("not gzip at all"), WithCompression(GZIP), WithName("a.gz")).Next()
	if err == nil || err.Error() != "tfrecord: a.gz: gzip: invalid header" || !errors.Is(err, gzip.ErrHeader) {
		t.Errorf("bad gzip header: %v", err)
	}
	_, err = NewReader(strings.NewReader("x"), WithCompression(Compression(9))).Next()
	if err == nil || err.Error() != "tfrecord: unknown compression Compression(9)" {
		t.Errorf("unknown compression: %v", err)
	}
}

// TestCompressedTruncated cuts a compressed stream: the reader reports
// truncation, or a decompressor error, never a clean end.
func TestCompressedTruncated(t *testing.T) {
	for _, c := range []Compression{GZIP, ZLIB} {
		var buf bytes.Buffer
		w := NewWriter(&buf, WithCompression(c))
		for i := range 50 {
			w.Write([]byte(strings.Repeat(fmt.Sprint(i), 20)))
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		full := buf.Bytes()
		for cut := 0; cut < len(full); cut++ {
			recs, err := readAll(NewReader(bytes.NewReader(full[:cut]), WithCompression(c)))
			if cut == 0 {
				continue // an empty file is an empty stream
			}
			if err == nil {
				t.Errorf("%v cut at %d of %d: %d records and no error", c, cut, len(full), len(recs))
			}
		}
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestUnderlyingError(t *testing.T) {
	boom := errors.New("disk on fire")
	src := io.MultiReader(bytes.NewReader(frames("ok")), errReader{boom})
	r := NewReader(src, WithName("f"))
	if rec, err := r.Next(); err != nil || string(rec) != "ok" {
		t.Fatalf("first record: %q, %v", rec, err)
	}
	_, err := r.Next()
	if !errors.Is(err, boom) || err.Error() != "tfrecord: f: read error in record at offset 18: disk on fire" {
		t.Errorf("error = %v", err)
	}
}

func TestOpenAndClose(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "missing.tfrecord"))
	if !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "tfrecord: open ") {
		t.Errorf("Open missing file: %v", err)
	}
	path := filepath.Join(t.TempDir(), "bad.tfrecord")
	b := frames("good", "bad")
	b[len(b)-1] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), "tfrecord: "+path+": corrupt record at offset 20: data crc mismatch") {
		t.Errorf("ReadFile damaged file: %v", err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "read from closed reader") {
		t.Errorf("Next after Close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestParseCompression(t *testing.T) {
	for s, want := range map[string]Compression{"": None, "none": None, "GZIP": GZIP, "gzip": GZIP, "ZLIB": ZLIB} {
		if got, err := ParseCompression(s); err != nil || got != want {
			t.Errorf("ParseCompression(%q) = %v, %v", s, got, err)
		}
		if want != None && want.String() != strings.ToUpper(s) {
			t.Errorf("%v.String() = %q", want, want.String())
		}
	}
	if _, err := ParseCompression("SNAPPY"); err == nil || err.Error() != `tfrecord: unknown compression "SNAPPY" (want "", GZIP or ZLIB)` {
		t.Errorf("SNAPPY: %v", err)
	}
}

func TestShardName(t *testing.T) {
	if got := ShardName("train.tfrecord", 3, 10); got != "train.tfrecord-00003-of-00010" {
		t.Errorf("ShardName = %q", got)
	}
}
