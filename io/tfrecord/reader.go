package tfrecord

import (
	"bufio"
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"slices"
)

// Reader reads records from a TFRecord stream. A Reader is not safe for
// concurrent use.
type Reader struct {
	o    options
	src  io.Reader     // the input as given
	br   *bufio.Reader // buffered framed stream; nil until the first Next
	str  *stream       // the framed stream under br, which ReadChunk reads directly
	dec  io.Closer     // the decompressor, if any
	file *os.File      // the file opened by Open, closed by Close

	buf  []byte // the reused buffer of records longer than the read buffer
	avg  int    // the average framed size of the records of the last chunk
	off  int64  // offset of the record last returned or failed
	pos  int64  // offset of the next record
	err  error  // sticky: once Next fails it keeps failing
	done bool   // Close was called
}

// chunkSize is the first step by which readLarge grows a record buffer.
const chunkSize = 1 << 20

// NewReader returns a Reader of the records in r. Options select the
// compression, the name used in errors, buffer reuse and checksum checks.
// Errors, including a bad compression header, are reported by [Reader.Next].
// Close releases the decompressor but does not close r.
func NewReader(r io.Reader, opts ...Option) *Reader {
	return &Reader{o: newOptions(opts), src: r}
}

// Open opens the TFRecord file at path for reading. Its path is used as the
// name in error messages unless [WithName] says otherwise. The caller must
// Close the Reader.
func Open(path string, opts ...Option) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tfrecord: %w", err)
	}
	r := NewReader(f, append([]Option{WithName(path)}, opts...)...)
	r.file = f
	return r, nil
}

// ReadFile reads every record of the TFRecord file at path.
func ReadFile(path string, opts ...Option) ([][]byte, error) {
	r, err := Open(path, opts...)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var recs [][]byte
	for rec, err := range r.All() {
		if err != nil {
			return nil, err
		}
		if r.o.reuse {
			rec = append([]byte(nil), rec...)
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// Records returns an iterator over the records in r, read with the given
// options. It yields each record with a nil error; a read error is yielded
// once, with a nil record, and ends the sequence; a clean end yields nothing.
// With [WithReuseBuffer] a record is valid only until the next iteration.
func Records(r io.Reader, opts ...Option) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		rd := NewReader(r, opts...)
		defer rd.Close()
		for rec, err := range rd.All() {
			if !yield(rec, err) {
				return
			}
		}
	}
}

// All returns an iterator over the remaining records, with the same rules as
// [Records]. It does not close the Reader.
func (r *Reader) All() iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		for {
			rec, err := r.Next()
			if err == io.EOF {
				return
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

// Offset returns the byte offset, in the decompressed stream, of the record
// that Next last returned or failed on.
func (r *Reader) Offset() int64 { return r.off }

// Close releases the decompressor and closes the file opened by [Open]. It
// does not close a reader given to [NewReader]. Next fails after Close.
func (r *Reader) Close() error {
	if r.done {
		return nil
	}
	r.done = true
	if r.err == nil {
		r.err = errors.New(r.o.prefix() + "read from closed reader")
	}
	var err error
	if r.dec != nil {
		err = r.dec.Close()
	}
	if r.file != nil {
		if cerr := r.file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("%sclose: %w", r.o.prefix(), err)
	}
	return nil
}

// Next returns the next record, or io.EOF when the input ends cleanly after
// a record. A damaged or cut record gives a [*RecordError]; an error of the
// underlying reader or decompressor is wrapped with the offset it happened
// at. Errors are sticky: after one, Next keeps returning it.
//
// The record is a fresh slice that the caller owns, unless the Reader was
// made with [WithReuseBuffer]: then it is valid only until the next call
// and must not be modified.
func (r *Reader) Next() ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.br == nil {
		if err := r.init(); err != nil {
			r.err = err
			return nil, err
		}
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	return rec, nil
}

// init sets up the decompressor and the buffer. An empty compressed input
// has no header at all; it is read as an empty stream.
func (r *Reader) init() error {
	src := r.src
	if r.o.compression != None {
		// The decompressors read through this buffer byte by byte.
		bsrc := bufio.NewReaderSize(src, r.o.bufSize)
		if _, err := bsrc.Peek(1); err == io.EOF {
			r.str = &stream{r: eofReader{}}
			r.br = bufio.NewReaderSize(r.str, 16)
			return nil
		}
		src = bsrc
	}
	var err error
	switch r.o.compression {
	case None:
	case GZIP:
		var zr *gzip.Reader
		if zr, err = gzip.NewReader(src); err == nil {
			r.dec, src = zr, zr
		}
	case ZLIB:
		var zr io.ReadCloser
		if zr, err = zlib.NewReader(src); err == nil {
			r.dec, src = zr, zr
		}
	default:
		err = fmt.Errorf("unknown compression %v", r.o.compression)
	}
	if err != nil {
		if err == io.ErrUnexpectedEOF {
			return &RecordError{Name: r.o.name, Err: ErrTruncated, Detail: r.o.compression.String() + " header is cut short"}
		}
		return fmt.Errorf("%s%w", r.o.prefix(), err)
	}
	r.str = &stream{r: src}
	r.br = bufio.NewReaderSize(r.str, r.o.bufSize)
	return nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// next reads one record at r.pos.
func (r *Reader) next() ([]byte, error) {
	r.off = r.pos
	hdr, err := r.br.Peek(headerSize)
	if len(hdr) < headerSize {
		if err == io.EOF && len(hdr) == 0 {
			return nil, io.EOF
		}
		return nil, r.readErr(err, "length header has %d of %d bytes", len(hdr), headerSize)
	}
	n, err := r.parseHeader(hdr)
	if err != nil {
		return nil, err
	}
	var rec []byte
	if headerSize+n+footerSize <= r.br.Size() {
		rec, err = r.readSmall(n)
	} else {
		rec, err = r.readLarge(n)
	}
	if err != nil {
		return nil, err
	}
	r.pos += int64(headerSize + n + footerSize)
	return rec, nil
}

// parseHeader checks the length header at the start of hdr and returns the
// record's length.
func (r *Reader) parseHeader(hdr []byte) (int, error) {
	length := binary.LittleEndian.Uint64(hdr)
	if !r.o.noVerify {
		stored := binary.LittleEndian.Uint32(hdr[8:])
		if c := MaskedCRC(hdr[:8]); c != stored {
			return 0, r.corrupt("length crc mismatch (stored 0x%08x, computed 0x%08x)", stored, c)
		}
	}
	if r.o.maxRecord > 0 && length > uint64(r.o.maxRecord) {
		return 0, r.corrupt("length %d exceeds the limit of %d bytes", length, r.o.maxRecord)
	}
	if length > math.MaxInt-headerSize-footerSize {
		return 0, r.corrupt("length %d is too large", length)
	}
	return int(length), nil
}

// readSmall reads a record that fits in the read buffer: it is checked in
// place and then copied out, or, with WithReuseBuffer, returned in place.
func (r *Reader) readSmall(n int) ([]byte, error) {
	total := headerSize + n + footerSize
	p, err := r.br.Peek(total)
	if len(p) < total {
		if len(p) < headerSize+n {
			return nil, r.readErr(err, "data has %d of %d bytes", len(p)-headerSize, n)
		}
		return nil, r.readErr(err, "data crc has %d of %d bytes", len(p)-headerSize-n, footerSize)
	}
	data := p[headerSize : headerSize+n]
	if err := r.checkData(data, p[headerSize+n:]); err != nil {
		return nil, err
	}
	r.br.Discard(total) // cannot fail: the bytes are buffered
	if r.o.reuse {
		// The record is valid until the next call, and so are the bytes
		// in the read buffer: bufio refills it only on the next read.
		return data[:n:n], nil
	}
	return append(make([]byte, 0, n), data...), nil
}

// readLarge reads a record longer than the read buffer straight into the
// record buffer. The buffer grows by at most max(chunkSize, bytes so far) at
// a time, so a false length fails at the end of the input having allocated
// at most about twice what the input held.
func (r *Reader) readLarge(n int) ([]byte, error) {
	r.br.Discard(headerSize) // cannot fail: next peeked the header
	var rec []byte
	if r.o.reuse {
		rec = r.buf[:0]
	}
	for len(rec) < n {
		m := len(rec)
		if m == cap(rec) {
			rec = slices.Grow(rec, min(n-m, max(chunkSize, m)))
		}
		rec = rec[:min(n, cap(rec))]
		k, err := io.ReadFull(r.br, rec[m:])
		if err != nil {
			return nil, r.readErr(err, "data has %d of %d bytes", m+k, n)
		}
	}
	if r.o.reuse {
		r.buf = rec
	}
	var foot [footerSize]byte
	k, err := io.ReadFull(r.br, foot[:])
	if err != nil {
		return nil, r.readErr(err, "data crc has %d of %d bytes", k, footerSize)
	}
	if err := r.checkData(rec, foot[:]); err != nil {
		return nil, err
	}
	return rec, nil
}

func (r *Reader) checkData(data, foot []byte) error {
	if r.o.noVerify {
		return nil
	}
	stored := binary.LittleEndian.Uint32(foot)
	if c := MaskedCRC(data); c != stored {
		return r.corrupt("%s", dataCRCDetail(stored, c))
	}
	return nil
}

// dataCRCDetail describes a data CRC that does not match.
func dataCRCDetail(stored, computed uint32) string {
	return fmt.Sprintf("data crc mismatch (stored 0x%08x, computed 0x%08x)", stored, computed)
}

func (r *Reader) corrupt(format string, args ...any) error {
	return &RecordError{Name: r.o.name, Offset: r.off, Err: ErrCorrupt, Detail: fmt.Sprintf(format, args...)}
}

// readErr reports a short read: a truncated record when the input ended,
// otherwise the error of the underlying reader or decompressor. A partial
// read (io.ReadFull's io.ErrUnexpectedEOF) and a decompressor's report of a
// cut stream (the same error) are both truncation.
func (r *Reader) readErr(err error, format string, args ...any) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &RecordError{Name: r.o.name, Offset: r.off, Err: ErrTruncated, Detail: fmt.Sprintf(format, args...)}
	}
	return fmt.Errorf("%sread error in record at offset %d: %w", r.o.prefix(), r.off, err)
}
