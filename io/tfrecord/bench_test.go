package tfrecord

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkReader reads records from memory; bytes/s is payload throughput.
func BenchmarkReader(b *testing.B) {
	for _, size := range []int{100, 1 << 10, 100 << 10} {
		for _, c := range []Compression{None, GZIP} {
			b.Run(fmt.Sprintf("size=%d/%v", size, name(c)), func(b *testing.B) {
				rec := bytes.Repeat([]byte("tfrecord"), size/8+1)[:size]
				var buf bytes.Buffer
				w := NewWriter(&buf, WithCompression(c))
				n := max(1, (8<<20)/(size+16))
				for range n {
					w.Write(rec)
				}
				w.Close()
				in := buf.Bytes()
				b.SetBytes(int64(n * size))
				b.ReportAllocs()
				for b.Loop() {
					r := NewReader(bytes.NewReader(in), WithCompression(c), WithReuseBuffer())
					for {
						if _, err := r.Next(); err != nil {
							if err != io.EOF {
								b.Fatal(err)
							}
							break
						}
					}
				}
			})
		}
	}
}

// BenchmarkReadChunk reads the records of BenchmarkReader by chunks of 128 into one
// reused Chunk; bytes/s is payload throughput.
func BenchmarkReadChunk(b *testing.B) {
	for _, size := range []int{100, 1 << 10, 100 << 10} {
		for _, c := range []Compression{None, GZIP} {
			b.Run(fmt.Sprintf("size=%d/%v", size, name(c)), func(b *testing.B) {
				rec := bytes.Repeat([]byte("tfrecord"), size/8+1)[:size]
				var buf bytes.Buffer
				w := NewWriter(&buf, WithCompression(c))
				n := max(1, (8<<20)/(size+16))
				for range n {
					w.Write(rec)
				}
				w.Close()
				in := buf.Bytes()
				b.SetBytes(int64(n * size))
				b.ReportAllocs()
				var ch Chunk
				for b.Loop() {
					r := NewReader(bytes.NewReader(in), WithCompression(c))
					got := 0
					for {
						err := r.ReadChunk(&ch, 128)
						got += ch.Len()
						if err == io.EOF {
							break
						}
						if err != nil {
							b.Fatal(err)
						}
					}
					if got != n {
						b.Fatalf("%d records, want %d", got, n)
					}
				}
			})
		}
	}
}

func name(c Compression) string {
	if c == None {
		return "NONE"
	}
	return c.String()
}

// BenchmarkReadFile reads a 256 MB uncompressed file from disk (the page
// cache, after the first pass) with reused buffers.
func BenchmarkReadFile(b *testing.B) {
	const fileSize = 256 << 20
	for _, size := range []int{1 << 10, 100 << 10} {
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench.tfrecord")
			w, err := Create(path)
			if err != nil {
				b.Fatal(err)
			}
			rec := bytes.Repeat([]byte("0123456789abcdef"), size/16)
			for written := 0; written < fileSize; written += size + 16 {
				w.Write(rec)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			st, _ := os.Stat(path)
			b.SetBytes(st.Size())
			b.ReportAllocs()
			for b.Loop() {
				r, err := Open(path, WithReuseBuffer())
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := r.Next(); err != nil {
						if err != io.EOF {
							b.Fatal(err)
						}
						break
					}
				}
				r.Close()
			}
		})
	}
}
