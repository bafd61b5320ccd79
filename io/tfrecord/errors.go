package tfrecord

import (
	"errors"
	"fmt"
)

// Sentinel errors that a [*RecordError] matches with errors.Is.
var (
	// ErrCorrupt means a record's bytes are wrong: a CRC does not match or
	// the length is impossible.
	ErrCorrupt = errors.New("tfrecord: corrupt record")
	// ErrTruncated means the input ended inside a record.
	ErrTruncated = errors.New("tfrecord: truncated record")
)

// RecordError describes a record that could not be read.
type RecordError struct {
	Name   string // file name, or "" when the reader was given none
	Offset int64  // offset of the record's first byte in the (decompressed) stream
	Err    error  // ErrCorrupt or ErrTruncated
	Detail string // what was wrong, e.g. "data crc mismatch (stored 0x..., computed 0x...)"
}

// Error returns a message such as
// "tfrecord: train.tfrecord: corrupt record at offset 1234: data crc mismatch (...)".
func (e *RecordError) Error() string {
	what := "corrupt"
	if e.Err == ErrTruncated {
		what = "truncated"
	}
	name := ""
	if e.Name != "" {
		name = e.Name + ": "
	}
	return fmt.Sprintf("tfrecord: %s%s record at offset %d: %s", name, what, e.Offset, e.Detail)
}

// Unwrap returns [ErrCorrupt] or [ErrTruncated].
func (e *RecordError) Unwrap() error { return e.Err }
