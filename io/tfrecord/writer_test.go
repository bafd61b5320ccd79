package tfrecord

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testRecords returns records of assorted sizes, including empty ones and
// ones longer than a small buffer.
func testRecords() [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var recs [][]byte
	for _, n := range []int{0, 1, 5, 11, 12, 13, 100, 0, 4096, 70000, 300000, 3} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(7)) // compressible
		}
		recs = append(recs, b)
	}
	return recs
}

func TestRoundTrip(t *testing.T) {
	recs := testRecords()
	for _, c := range []Compression{None, GZIP, ZLIB} {
		for _, bufSize := range []int{1, 64, defaultBufferSize} {
			var buf bytes.Buffer
			w := NewWriter(&buf, WithCompression(c), WithBufferSize(bufSize))
			for _, rec := range recs {
				if err := w.Write(rec); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			var want int64
			for _, rec := range recs {
				want += int64(len(rec) + 16)
			}
			if w.Offset() != want {
				t.Errorf("%v: Offset() = %d, want %d", c, w.Offset(), want)
			}
			for _, reuse := range []bool{false, true} {
				opts := []Option{WithCompression(c), WithBufferSize(bufSize)}
				if reuse {
					opts = append(opts, WithReuseBuffer())
				}
				r := NewReader(bytes.NewReader(buf.Bytes()), opts...)
				for i, want := range recs {
					got, err := r.Next()
					if err != nil || !bytes.Equal(got, want) {
						t.Fatalf("%v buf %d reuse %v: record %d: %d bytes, %v", c, bufSize, reuse, i, len(got), err)
					}
				}
				if _, err := r.Next(); err != io.EOF {
					t.Errorf("%v: after the last record: %v", c, err)
				}
				if err := r.Close(); err != nil {
					t.Error(err)
				}
			}
		}
	}
}

// TestCompressedIsPlain checks that a compressed file is the framed stream
// fed through a standard compressor: decompressing it with compress/gzip or
// compress/zlib gives exactly the uncompressed framing.
func TestCompressedIsPlain(t *testing.T) {
	recs := testRecords()
	var framed []byte
	for _, rec := range recs {
		framed = AppendRecord(framed, rec)
	}
	for _, c := range []Compression{GZIP, ZLIB} {
		var buf bytes.Buffer
		w := NewWriter(&buf, WithCompression(c))
		for _, rec := range recs {
			w.Write(rec)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		var zr io.Reader
		var err error
		if c == GZIP {
			zr, err = gzip.NewReader(&buf)
		} else {
			zr, err = zlib.NewReader(&buf)
		}
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(plain, framed) {
			t.Errorf("%v: decompressed stream differs from the framed records", c)
		}
	}
}

// TestMultiMemberGzip reads two gzip members back to back as one stream.
func TestMultiMemberGzip(t *testing.T) {
	var buf bytes.Buffer
	for _, part := range [][]string{{"a", "b"}, {"c"}} {
		zw := gzip.NewWriter(&buf)
		zw.Write(frames(part...))
		zw.Close()
	}
	recs, err := readAll(NewReader(&buf, WithCompression(GZIP)))
	if err != nil || strings.Join(recs, "") != "abc" {
		t.Errorf("two members: %q, %v", recs, err)
	}
}

// TestFlush checks that flushed records are readable before Close.
func TestFlush(t *testing.T) {
	for _, c := range []Compression{None, GZIP, ZLIB} {
		var buf bytes.Buffer
		w := NewWriter(&buf, WithCompression(c))
		w.Write([]byte("one"))
		w.Write([]byte("two"))
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		r := NewReader(bytes.NewReader(buf.Bytes()), WithCompression(c))
		for _, want := range []string{"one", "two"} {
			if rec, err := r.Next(); err != nil || string(rec) != want {
				t.Errorf("%v: flushed record %q: %q, %v", c, want, rec, err)
			}
		}
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n < len(p) {
		return 0, errors.New("no space left")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriterErrors(t *testing.T) {
	w := NewWriter(&failWriter{n: 10}, WithBufferSize(16), WithName("out"))
	var err error
	for i := 0; i < 10 && err == nil; i++ {
		err = w.Write([]byte("0123456789"))
	}
	if err == nil || err.Error() != "tfrecord: out: write: no space left" {
		t.Fatalf("error = %v", err)
	}
	if err2 := w.Write([]byte("x")); err2 != err {
		t.Errorf("error is not sticky: %v", err2)
	}
	if err2 := w.Close(); err2 != err {
		t.Errorf("Close = %v, want %v", err2, err)
	}

	w = NewWriter(io.Discard, WithCompression(GZIP), WithCompressionLevel(12))
	if err := w.Write(nil); err == nil || err.Error() != "tfrecord: gzip: invalid compression level: 12" {
		t.Errorf("bad level: %v", err)
	}
	w = NewWriter(io.Discard, WithCompression(Compression(-1)))
	if err := w.Write(nil); err == nil || err.Error() != "tfrecord: unknown compression Compression(-1)" {
		t.Errorf("bad compression: %v", err)
	}

	w = NewWriter(io.Discard)
	w.Close()
	if err := w.Write(nil); err == nil || err.Error() != "tfrecord: write to closed writer" {
		t.Errorf("Write after Close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestCreateIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data.tfrecord")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Create(path, WithCompression(GZIP))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		w.Write([]byte(fmt.Sprint(i)))
	}
	w.Flush()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("destination changed before Close: %q", b)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadFile(path, WithCompression(GZIP))
	if err != nil || len(recs) != 100 || string(recs[99]) != "99" {
		t.Errorf("ReadFile after Close: %d records, %v", len(recs), err)
	}
	assertOnlyFile(t, dir, "data.tfrecord")

	// Abort leaves the old file and no temporary file.
	w, err = Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("new"))
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if recs, err := ReadFile(path, WithCompression(GZIP)); err != nil || len(recs) != 100 {
		t.Errorf("after Abort: %d records, %v", len(recs), err)
	}
	assertOnlyFile(t, dir, "data.tfrecord")

	// WriteFile replaces it.
	if err := WriteFile(path, [][]byte{[]byte("x"), nil}); err != nil {
		t.Fatal(err)
	}
	if recs, err := ReadFile(path); err != nil || len(recs) != 2 || string(recs[0]) != "x" {
		t.Errorf("after WriteFile: %q, %v", recs, err)
	}
	assertOnlyFile(t, dir, "data.tfrecord")

	if _, err := Create(filepath.Join(dir, "no", "such", "dir.tfrecord")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Create in a missing directory: %v", err)
	}
}

func assertOnlyFile(t *testing.T, dir, name string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != name {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %q, want only %q", names, name)
	}
}
