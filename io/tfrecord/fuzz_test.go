package tfrecord

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
)

// FuzzReader reads arbitrary bytes as a TFRecord stream, uncompressed and
// with each compression. It must never panic, every error must be a
// *RecordError or come from the decompressor, and an uncompressed stream
// read without error must be exactly the framing of the records returned.
// Reading by chunks (mixed with Next, as the high bits of mode say) must give
// the records, offsets and error that Next gives.
func FuzzReader(f *testing.F) {
	f.Add(byte(0), frames("hello", "", "world"))
	f.Add(byte(0), mustHex(f, "3500000000000000d6c55de6"+specExample+"cf2e60ce"))
	f.Add(byte(0), []byte{})
	for i, name := range []string{"records.tfrecord", "records.tfrecord.gz", "records.tfrecord.zz"} {
		if b, err := os.ReadFile("testdata/" + name); err == nil {
			f.Add(byte(i), b[:min(len(b), 4096)])
		}
	}
	f.Fuzz(func(t *testing.T, mode byte, in []byte) {
		c := Compression(mode % 3)
		opts := []Option{WithCompression(c), WithBufferSize(64)}
		if mode&4 != 0 {
			opts = append(opts, WithReuseBuffer())
		}
		if mode&8 != 0 {
			opts = append(opts, WithVerifyChecksums(false))
		}
		pattern := chunkPatterns[int(mode>>4)%len(chunkPatterns)]
		want := readNext(NewReader(bytes.NewReader(in), opts...))
		diffLogs(t, readMixed(NewReader(bytes.NewReader(in), opts...), pattern), want)
		diffLogs(t, readDeferred(NewReader(bytes.NewReader(in), append(opts, WithDeferredDataCheck())...), pattern), want)

		r := NewReader(bytes.NewReader(in), opts...)
		var framed []byte
		var err error
		for {
			var rec []byte
			rec, err = r.Next()
			if err != nil {
				break
			}
			framed = AppendRecord(framed, rec)
		}
		if err == io.EOF {
			if c == None && mode&8 == 0 && !bytes.Equal(framed, in) {
				t.Fatalf("records read without error do not re-frame to the input")
			}
			return
		}
		var re *RecordError
		if c == None && !errors.As(err, &re) {
			t.Fatalf("uncompressed stream gave %T %v, want a *RecordError", err, err)
		}
		if err.Error() == "" {
			t.Fatal("empty error message")
		}
	})
}
