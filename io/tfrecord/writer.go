package tfrecord

import (
	"bufio"
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Writer writes records to a TFRecord stream. Records are buffered: call
// Flush to push them to the underlying writer, and Close to finish the
// stream (a compressed stream is unreadable without its trailer). A Writer is
// not safe for concurrent use.
type Writer struct {
	o   options
	dst io.Writer
	bw  *bufio.Writer // nil until the first use
	z   compressor    // gzip or zlib writer, or nil

	// Set by Create: the temporary file written and the final path.
	file *os.File
	tmp  string
	path string

	off    int64 // bytes of framed stream written
	err    error // sticky
	closed bool
}

// compressor is what gzip.Writer and zlib.Writer have in common.
type compressor interface {
	io.WriteCloser
	Flush() error
}

var errClosed = errors.New("closed writer")

// NewWriter returns a Writer that writes framed records to w, compressed as
// [WithCompression] says. Errors, including an invalid option, are reported
// by the first Write, Flush or Close. Close does not close w.
func NewWriter(w io.Writer, opts ...Option) *Writer {
	return &Writer{o: newOptions(opts), dst: w}
}

// Create returns a Writer to a new TFRecord file at path. Records go to a
// temporary file in the same directory that Close syncs and renames to path,
// replacing any file there; until then, and if anything fails, path is left
// as it was. Call [Writer.Abort] instead of Close to give up and remove the
// temporary file. The new file has mode 0666 before the umask, like
// [os.Create]. The path is used as the name in error messages.
func Create(path string, opts ...Option) (*Writer, error) {
	f, tmp, err := createTemp(path)
	if err != nil {
		return nil, fmt.Errorf("tfrecord: %w", err)
	}
	w := NewWriter(f, append([]Option{WithName(path)}, opts...)...)
	w.file, w.tmp, w.path = f, tmp, path
	return w, nil
}

// createTemp creates "path.tmp-RANDOM" exclusively, so that two writers of
// the same path never share a temporary file.
func createTemp(path string) (*os.File, string, error) {
	for range 100 {
		tmp := path + ".tmp-" + strconv.FormatUint(rand.Uint64(), 36)
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return f, tmp, err
	}
	return nil, "", fmt.Errorf("create temporary file for %s: too many collisions", path)
}

// WriteFile writes records to a TFRecord file at path through a temporary
// file, as [Create] does.
func WriteFile(path string, records [][]byte, opts ...Option) error {
	w, err := Create(path, opts...)
	if err != nil {
		return err
	}
	for _, rec := range records {
		if err := w.Write(rec); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// Write appends one record. The record is copied into the buffer or written
// through before Write returns, so the caller may reuse it. After an error,
// every later call returns the same error.
func (w *Writer) Write(record []byte) error {
	if err := w.ready(); err != nil {
		return err
	}
	var frame [headerSize]byte
	putHeader(&frame, len(record))
	w.write(frame[:])
	w.write(record)
	w.write(binary.LittleEndian.AppendUint32(frame[:0], MaskedCRC(record)))
	if w.err == nil {
		w.off += int64(headerSize + len(record) + footerSize)
	}
	return w.err
}

// Offset returns the number of framed (uncompressed) bytes written so far,
// which is the offset the next record will have.
func (w *Writer) Offset() int64 { return w.off }

// Flush writes the buffered records to the underlying writer. For a
// compressed stream it also flushes the compressor (a deflate sync block, so
// the data so far can be decompressed), which costs a little compression.
func (w *Writer) Flush() error {
	if err := w.ready(); err != nil {
		return err
	}
	w.flush()
	if w.err == nil && w.z != nil {
		w.fail(w.z.Flush())
	}
	return w.err
}

// Close flushes the buffered records, finishes the compressed stream and,
// for a Writer from [Create], syncs, closes and renames the file into place.
// It does not close a writer given to [NewWriter]. If anything failed, a
// Writer from Create removes its temporary file and Close reports the error.
// Calling Close again returns nil.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	if err := w.ready(); err == nil {
		w.flush()
		if w.z != nil {
			w.fail(w.z.Close())
		}
	}
	w.closed = true
	if w.file != nil {
		w.finishFile()
	}
	return w.err
}

// Abort gives up the stream: nothing more is written, and a Writer from
// [Create] closes and removes its temporary file, leaving the destination
// path untouched. Abort after Close does nothing.
func (w *Writer) Abort() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if w.err == nil {
		w.err = errClosed
	}
	if w.file == nil {
		return nil
	}
	w.file.Close()
	if err := os.Remove(w.tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%sabort: %w", w.o.prefix(), err)
	}
	return nil
}

// finishFile syncs, closes and renames the temporary file, or removes it if
// anything failed.
func (w *Writer) finishFile() {
	if w.err == nil {
		w.fail(w.file.Sync())
	}
	if err := w.file.Close(); w.err == nil {
		w.fail(err)
	}
	if w.err == nil {
		w.fail(os.Rename(w.tmp, w.path))
	}
	if w.err != nil {
		os.Remove(w.tmp)
		return
	}
	syncDir(filepath.Dir(w.path))
}

// syncDir makes a rename durable where the system allows it; failure only
// weakens durability after a power loss, so it is ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// ready sets the Writer up on first use and reports a sticky error.
func (w *Writer) ready() error {
	if w.closed {
		if w.err == nil || w.err == errClosed {
			return errors.New(w.o.prefix() + "write to closed writer")
		}
		return w.err
	}
	if w.err != nil || w.bw != nil {
		return w.err
	}
	dst := w.dst
	var err error
	switch w.o.compression {
	case None:
	case GZIP:
		w.z, err = gzip.NewWriterLevel(dst, w.o.level)
	case ZLIB:
		w.z, err = zlib.NewWriterLevel(dst, w.o.level)
	default:
		err = fmt.Errorf("unknown compression %v", w.o.compression)
	}
	if err != nil {
		w.err = fmt.Errorf("%s%w", w.o.prefix(), err)
		return w.err
	}
	if w.z != nil {
		dst = w.z
	}
	w.bw = bufio.NewWriterSize(dst, w.o.bufSize)
	return nil
}

func (w *Writer) write(p []byte) {
	if w.err == nil {
		_, err := w.bw.Write(p)
		w.fail(err)
	}
}

func (w *Writer) flush() {
	if w.err == nil {
		w.fail(w.bw.Flush())
	}
}

// fail records the first error, wrapped with the package prefix and name.
func (w *Writer) fail(err error) {
	if err != nil && w.err == nil {
		w.err = fmt.Errorf("%swrite: %w", w.o.prefix(), err)
	}
}
