package tfrecord

import (
	"compress/flate"
	"fmt"
	"strings"
)

// Compression selects how the framed byte stream is compressed. The zero
// value is [None].
type Compression int

// The compression types of tf.io.TFRecordOptions.
const (
	None Compression = iota // no compression (TensorFlow's "")
	GZIP                    // gzip format, RFC 1952 ("GZIP")
	ZLIB                    // zlib format, RFC 1950 ("ZLIB")
)

// String returns TensorFlow's name for c: "", "GZIP" or "ZLIB".
func (c Compression) String() string {
	switch c {
	case None:
		return ""
	case GZIP:
		return "GZIP"
	case ZLIB:
		return "ZLIB"
	}
	return fmt.Sprintf("Compression(%d)", int(c))
}

// ParseCompression returns the compression named s, as TensorFlow spells it
// in TFRecordOptions: "" or "NONE", "GZIP", "ZLIB", in any case.
func ParseCompression(s string) (Compression, error) {
	switch strings.ToUpper(s) {
	case "", "NONE":
		return None, nil
	case "GZIP":
		return GZIP, nil
	case "ZLIB":
		return ZLIB, nil
	}
	return None, fmt.Errorf("tfrecord: unknown compression %q (want \"\", GZIP or ZLIB)", s)
}

// Option configures a [Reader] or a [Writer]. Options that do not apply to
// one side are ignored by it, so one option list can serve both.
type Option func(*options)

type options struct {
	compression Compression
	level       int
	name        string
	bufSize     int
	reuse       bool
	noVerify    bool
	deferData   bool
	maxRecord   int64
}

// defaultBufferSize matches TensorFlow's 256 KiB I/O buffers: large enough
// that reading is one system call per many records.
const defaultBufferSize = 256 << 10

func newOptions(opts []Option) options {
	o := options{level: flate.DefaultCompression, bufSize: defaultBufferSize}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithCompression sets the stream compression (default [None]). A reader must
// be given the compression the file was written with.
func WithCompression(c Compression) Option {
	return func(o *options) { o.compression = c }
}

// WithCompressionLevel sets the gzip/zlib level a [Writer] uses, from
// flate.HuffmanOnly (-2) to flate.BestCompression (9); the default is
// flate.DefaultCompression (-1), as in TensorFlow.
func WithCompressionLevel(level int) Option {
	return func(o *options) { o.level = level }
}

// WithName sets the file name that error messages mention. [Open] and
// [Create] set it to their path.
func WithName(name string) Option {
	return func(o *options) { o.name = name }
}

// WithBufferSize sets the size of the read or write buffer in bytes (default
// 256 KiB). Records up to about this size are read with at most one copy.
func WithBufferSize(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.bufSize = n
		}
	}
}

// WithReuseBuffer makes [Reader.Next] return records in memory that it
// reuses, the read buffer itself where the record fits in it, so that
// reading allocates and copies nothing per record. Each record is then valid
// only until the next call to Next, and must not be modified.
func WithReuseBuffer() Option {
	return func(o *options) { o.reuse = true }
}

// WithVerifyChecksums turns the CRC checks of a [Reader] on (the default) or
// off. Turned off, a damaged record is returned as it is; truncation is still
// reported.
func WithVerifyChecksums(on bool) Option {
	return func(o *options) { o.noVerify = !on }
}

// WithDeferredDataCheck makes [Reader.ReadChunk] check only the length CRCs
// of the records, which it needs to frame them, and leave the data CRCs to
// [Chunk.Verify]: a parallel pipeline then checks them on the goroutines
// that decode the chunks, where each record's bytes are about to be read
// anyway, rather than on the one goroutine that reads the input. ReadChunk
// then reads on past a record whose data is damaged (its framing is sound),
// so the caller must treat the first error Verify reports as the end of the
// input, as ReadChunk would have. [Reader.Next] still checks every CRC.
func WithDeferredDataCheck() Option {
	return func(o *options) { o.deferData = true }
}

// WithMaxRecordSize makes a [Reader] reject, as corrupt, any record whose
// length field exceeds n bytes. The default, 0, sets no limit: even then a
// false length cannot make the reader allocate much more than the input holds.
func WithMaxRecordSize(n int64) Option {
	return func(o *options) { o.maxRecord = n }
}

// prefix returns "tfrecord: " followed by the name, if any, for messages.
func (o *options) prefix() string {
	if o.name == "" {
		return "tfrecord: "
	}
	return "tfrecord: " + o.name + ": "
}
