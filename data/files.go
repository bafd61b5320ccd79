package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
)

// bytesSpec is the spec of a dataset of byte strings (text lines, file names, records).
var bytesSpec = Spec{Tensors: []TensorSpec{{DType: dtype.Uint8, Shape: shape.Shape{shape.Unknown}}}}

// ListFiles returns a dataset of the names of the files matching the glob patterns (as
// [filepath.Match] spells them), sorted and without duplicates, each as a uint8 tensor
// ([TensorString] reads it), like tf.data.Dataset.list_files. The patterns are expanded
// when ListFiles is called; no match at all is an error. Follow it with
// [Dataset.Shard] to give each worker its own files, with [Dataset.Shuffle] to read them
// in random order, and with [Dataset.Interleave] to read several at once.
func ListFiles(patterns ...string) *Dataset {
	files, err := glob(patterns)
	if err != nil {
		return failed(err)
	}
	elems := make([]Element, len(files))
	for i, f := range files {
		elems[i] = Single(StringTensor(f))
	}
	return FromElementsSpec(bytesSpec, elems)
}

// glob expands patterns into a sorted list of distinct file names.
func glob(patterns []string) ([]string, error) {
	var files []string
	for _, p := range patterns {
		m, err := filepath.Glob(p)
		if err != nil {
			return nil, fmt.Errorf("data: list files: pattern %q: %w", p, err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("data: list files: no file matches %q", patterns)
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

// TextLines returns a dataset of the lines of the given files, one file after the other,
// each line without its "\n" or "\r\n" and as a uint8 tensor ([TensorString] reads it),
// like tf.data.TextLineDataset. A file whose name ends in ".gz" is decompressed. An
// error opening or reading a file is yielded, naming the file, and ends that file.
func TextLines(paths ...string) *Dataset {
	if len(paths) == 0 {
		return errorf("text lines: no files")
	}
	paths = slices.Clone(paths)
	return newDataset(bytesSpec, UnknownCardinality, func(ctx context.Context, yield func(Element, error) bool) {
		for _, p := range paths {
			if !textLines(ctx, p, yield) {
				return
			}
		}
	})
}

// textLines yields the lines of one file and reports whether to go on.
func textLines(ctx context.Context, path string, yield func(Element, error) bool) bool {
	rc, err := openMaybeGzip(path)
	if err != nil {
		return yield(Element{}, err)
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	for line := 1; ; line++ {
		b, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: gather the rest of it.
			long := append([]byte(nil), b...)
			for err == bufio.ErrBufferFull {
				b, err = br.ReadSlice('\n')
				long = append(long, b...)
			}
			b = long
		}
		if len(b) > 0 {
			b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
			if ctxDone(ctx, yield) || !yield(Single(bytesTensor(b)), nil) {
				return false
			}
		}
		if err == io.EOF {
			return true
		}
		if err != nil {
			return yield(Element{}, fmt.Errorf("data: %s: line %d: %w", path, line, err))
		}
	}
}

// openMaybeGzip opens path, decompressing it if it starts with the gzip magic bytes.
func openMaybeGzip(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	br := bufio.NewReaderSize(f, 256<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("data: %s: %w", path, err)
		}
		return readCloser{zr, func() error { zr.Close(); return f.Close() }}, nil
	}
	return readCloser{br, f.Close}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }
