package tfrecord_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/tideml/tide/io/tfrecord"
)

func ExampleWriter() {
	var buf bytes.Buffer
	w := tfrecord.NewWriter(&buf)
	for _, rec := range []string{"hello", "world"} {
		if err := w.Write([]byte(rec)); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d bytes\n% x\n", buf.Len(), buf.Bytes()[:21])
	// Output:
	// 42 bytes
	// 05 00 00 00 00 00 00 00 ea b2 04 3e 68 65 6c 6c 6f bb 1f 1c 19
}

func ExampleReader() {
	data := tfrecord.AppendRecord(nil, []byte("first"))
	data = tfrecord.AppendRecord(data, []byte("second"))

	r := tfrecord.NewReader(bytes.NewReader(data))
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("offset %d: %s\n", r.Offset(), rec)
	}
	// Output:
	// offset 0: first
	// offset 21: second
}

// Reading by chunks: each ReadChunk fills a reused buffer with the next records in one
// read, ready to be handed to another goroutine.
func ExampleReader_ReadChunk() {
	var data []byte
	for _, rec := range []string{"a", "bb", "ccc", "dddd", "eeeee"} {
		data = tfrecord.AppendRecord(data, []byte(rec))
	}
	r := tfrecord.NewReader(bytes.NewReader(data))
	var c tfrecord.Chunk
	for {
		err := r.ReadChunk(&c, 2)
		for i := range c.Len() {
			fmt.Printf("%s at %d; ", c.Record(i), c.Offset(i))
		}
		fmt.Println(c.Size(), "bytes")
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
	}
	// Output:
	// a at 0; bb at 17; 35 bytes
	// ccc at 35; dddd at 54; 39 bytes
	// eeeee at 74; 21 bytes
}

func ExampleRecords() {
	var buf bytes.Buffer
	w := tfrecord.NewWriter(&buf, tfrecord.WithCompression(tfrecord.GZIP))
	w.Write([]byte("a"))
	w.Write([]byte("b"))
	w.Close()

	for rec, err := range tfrecord.Records(&buf, tfrecord.WithCompression(tfrecord.GZIP)) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(string(rec))
	}
	// Output:
	// a
	// b
}

func ExampleCreate() {
	dir, err := os.MkdirTemp("", "tfrecord")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, tfrecord.ShardName("train.tfrecord", 0, 1))

	// Records go to a temporary file that Close renames to path.
	w, err := tfrecord.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	w.Write([]byte("example 1"))
	w.Write([]byte("example 2"))
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	recs, err := tfrecord.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(filepath.Base(path), len(recs), string(recs[1]))
	// Output:
	// train.tfrecord-00000-of-00001 2 example 2
}

func ExampleRecordError() {
	data := tfrecord.AppendRecord(nil, []byte("hello"))
	data[14] = 'j' // damage the payload

	_, err := tfrecord.NewReader(bytes.NewReader(data), tfrecord.WithName("train.tfrecord")).Next()
	fmt.Println(err)
	fmt.Println(errors.Is(err, tfrecord.ErrCorrupt))

	_, err = tfrecord.NewReader(bytes.NewReader(data[:10])).Next()
	fmt.Println(err)
	// Output:
	// tfrecord: train.tfrecord: corrupt record at offset 0: data crc mismatch (stored 0x191c1fbb, computed 0x3d398258)
	// true
	// tfrecord: truncated record at offset 0: length header has 10 of 12 bytes
}

func ExampleChunk_Verify() {
	var data []byte
	for _, rec := range []string{"a", "bb", "ccc"} {
		data = tfrecord.AppendRecord(data, []byte(rec))
	}
	data[17+12] ^= 1 // damage the first byte of "bb"
	r := tfrecord.NewReader(bytes.NewReader(data), tfrecord.WithName("f"), tfrecord.WithDeferredDataCheck())
	var c tfrecord.Chunk
	err := r.ReadChunk(&c, 10) // reads on past the damaged record
	fmt.Println(c.Len(), "records,", err)
	for i := range c.Len() {
		if err := c.Verify(i); err != nil {
			fmt.Println(err)
			break // the end of the input, as for ReadChunk's errors
		}
		fmt.Printf("%s\n", c.Record(i))
	}
	// Output:
	// 3 records, EOF
	// a
	// tfrecord: f: corrupt record at offset 17: data crc mismatch (stored 0xa5e29763, computed 0xd63476a6)
}
