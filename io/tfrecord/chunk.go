package tfrecord

import (
	"encoding/binary"
	"io"
	"math"
	"slices"
)

// Chunk holds consecutive records that [Reader.ReadChunk] read, back to back
// in one buffer that is filled straight from the input and reused by the
// next ReadChunk into the same Chunk. The zero Chunk is ready to use.
//
// A Chunk is what a parallel input pipeline hands to its workers: one read
// on the reading goroutine, and no copy or allocation per record. A Chunk is
// not safe for concurrent use, but once filled it may be read from any
// number of goroutines until it is filled again.
type Chunk struct {
	buf   []byte // framed records; buf[0] is at stream offset off
	spans []span // payload of each record in buf
	off   int64

	// unchecked is set when the data CRCs are left to Verify, which names the
	// input name in its errors.
	unchecked bool
	name      string
}

type span struct{ lo, hi int }

// Len returns the number of records in c.
func (c *Chunk) Len() int { return len(c.spans) }

// Record returns record i, 0 ≤ i < Len(), in c's memory: it is valid until c
// is filled again and must not be modified. Record panics if i is out of
// range, as indexing a slice does.
func (c *Chunk) Record(i int) []byte {
	s := c.spans[i]
	return c.buf[s.lo:s.hi:s.hi]
}

// Offset returns the byte offset of record i in the (decompressed) stream,
// as a [*RecordError] would report it.
func (c *Chunk) Offset(i int) int64 {
	return c.off + int64(c.spans[i].lo-headerSize)
}

// Size returns the number of framed bytes c holds: the length of the input
// its records took.
func (c *Chunk) Size() int { return len(c.buf) }

// Verify checks the data CRC of record i, 0 ≤ i < Len(), when ReadChunk left
// it unchecked ([WithDeferredDataCheck]), and returns the [*RecordError]
// that ReadChunk would have returned for it if it is damaged. It returns nil
// for a record that ReadChunk checked already, or that no CRC is checked for
// ([WithVerifyChecksums](false)). Verify does not change c: any number of
// goroutines may verify the records of a filled chunk at once.
func (c *Chunk) Verify(i int) error {
	if !c.unchecked {
		return nil
	}
	s := c.spans[i]
	stored := binary.LittleEndian.Uint32(c.buf[s.hi:])
	if crc := MaskedCRC(c.buf[s.lo:s.hi]); crc != stored {
		return &RecordError{Name: c.name, Offset: c.Offset(i), Err: ErrCorrupt, Detail: dataCRCDetail(stored, crc)}
	}
	return nil
}

// minRead is the smallest read ReadChunk asks the input for, so that small
// records do not cost a system call each.
const minRead = 32 << 10

// maxAhead bounds how far beyond the record in hand ReadChunk reads when it
// guesses the size of the records still to come.
const maxAhead = 16 << 20

// ReadChunk replaces the records in c with the next n records, or fewer if
// an error or the end of the input comes first. It reads the stream straight
// into c's buffer, in large reads sized by the records seen so far, so that
// reading costs what a plain sequential read costs; both CRCs of every
// record are checked as [Reader.Next] checks them.
//
// It returns nil when c holds n records. Otherwise it returns the error that
// Next would have returned after the last record in c: io.EOF at a clean end
// of the input, a [*RecordError] for a damaged or cut record, or an error of
// the input. c then holds the records before the error, which are good. The
// error is sticky, as Next's errors are. ReadChunk and Next may be mixed:
// each continues where the other stopped.
//
// With [WithDeferredDataCheck], ReadChunk leaves the data CRCs to
// [Chunk.Verify], and reads on past a record whose data is damaged.
func (r *Reader) ReadChunk(c *Chunk, n int) error {
	c.buf, c.spans, c.off = c.buf[:0], c.spans[:0], r.pos
	c.unchecked, c.name = r.o.deferData && !r.o.noVerify, r.o.name
	if r.err != nil {
		return r.err
	}
	if r.br == nil {
		if err := r.init(); err != nil {
			r.err = err
			return err
		}
	}
	scan, err := r.frame(c, n)
	if err != nil {
		r.err = err // nothing is read after an error
	} else {
		// What was read beyond the last record starts the next one.
		r.str.unread(c.buf[scan:])
	}
	c.buf = c.buf[:scan]
	return err
}

// frame checks and records the records in c.buf, reading more as needed,
// until c holds n records or an error occurs. It returns the length of the
// framed part of c.buf.
func (r *Reader) frame(c *Chunk, n int) (int, error) {
	scan := 0
	for len(c.spans) < n {
		r.off = r.pos
		avail := len(c.buf) - scan
		need, length := headerSize-avail, -1
		if avail >= headerSize {
			var err error
			if length, err = r.parseHeader(c.buf[scan:]); err != nil {
				return scan, err
			}
			total := headerSize + length + footerSize
			if avail >= total {
				lo, hi := scan+headerSize, scan+headerSize+length
				if !c.unchecked { // else Verify checks the data
					if err := r.checkData(c.buf[lo:hi], c.buf[hi:]); err != nil {
						return scan, err
					}
				}
				c.spans = append(c.spans, span{lo, hi})
				scan += total
				r.pos += int64(total)
				continue
			}
			need = total - avail
		}
		// Ask for what the rest of the chunk will take, by the records
		// seen so far.
		left, want := n-len(c.spans), need
		if length < 0 {
			want = max(need, r.estimate(c, scan, left)-avail)
		} else if a := r.estimate(c, scan, left-1); a <= math.MaxInt-need {
			want = need + a
		}
		if err := r.fill(c, need, want); err != nil {
			return scan, r.cutErr(err, len(c.buf)-scan, length)
		}
	}
	return scan, nil
}

// estimate guesses how many bytes the next k records will take, from the
// average size of the records framed so far in this chunk or else in the
// last one, so that reads end close to where the chunk ends.
func (r *Reader) estimate(c *Chunk, scan, k int) int {
	if len(c.spans) > 0 {
		r.avg = scan / len(c.spans)
	}
	if k <= 0 || r.avg <= 0 {
		return 0
	}
	return min(k, maxAhead/r.avg) * r.avg
}

// fill reads at least need more bytes into c.buf, and up to want if it
// reads the input itself. Bytes that the read buffer or the stream hold
// from earlier reads are taken first, exactly as many as needed, so that
// nothing is copied twice however Next and ReadChunk are mixed; only a read
// of the input goes beyond need, to want or at least minRead. Like readLarge
// it grows the buffer by at most max(chunkSize, its length) at a time, so
// that a false length fails at the end of the input having allocated about
// twice what the input held.
func (r *Reader) fill(c *Chunk, need, want int) error {
	want = max(want, need)
	for got, empty := 0, 0; got < need; {
		if k := r.br.Buffered(); k > 0 {
			p, _ := r.br.Peek(min(k, need-got))
			c.buf = append(c.buf, p...)
			r.br.Discard(len(p))
			got += len(p)
			continue
		}
		if k := len(r.str.carry); k > 0 {
			k = min(k, need-got)
			c.buf = append(c.buf, r.str.carry[:k]...)
			r.str.carry = r.str.carry[k:]
			got += k
			continue
		}
		room := max(want-got, minRead)
		if spare := cap(c.buf) - len(c.buf); spare < room && spare < minRead {
			// Exactly the step, not append's rounded-up growth.
			grown := make([]byte, len(c.buf), len(c.buf)+min(room, max(chunkSize, len(c.buf))))
			copy(grown, c.buf)
			c.buf = grown
		}
		end := len(c.buf) + min(cap(c.buf)-len(c.buf), room)
		k, err := r.str.Read(c.buf[len(c.buf):end])
		c.buf = c.buf[:len(c.buf)+k]
		got += k
		switch {
		case got >= need:
			return nil // an error is kept by the stream for the next read
		case err != nil:
			return err
		case k == 0:
			if empty++; empty >= 100 {
				return io.ErrNoProgress
			}
		}
	}
	return nil
}

// cutErr reports the input ending, or failing, inside a record of which
// have bytes were read; length is the record's length, or -1 if its header
// was not complete. A clean end between records is io.EOF.
func (r *Reader) cutErr(err error, have, length int) error {
	switch {
	case have == 0 && err == io.EOF:
		return io.EOF
	case length < 0:
		return r.readErr(err, "length header has %d of %d bytes", have, headerSize)
	case have < headerSize+length:
		return r.readErr(err, "data has %d of %d bytes", have-headerSize, length)
	}
	return r.readErr(err, "data crc has %d of %d bytes", have-headerSize-length, footerSize)
}

// stream is the framed byte stream (the input, or its decompressor) under
// the read buffer. It first returns the bytes ReadChunk read beyond its last
// record, and it keeps the first error of the input, so that reading it
// directly or through the buffer sees the same bytes and the same error.
type stream struct {
	r     io.Reader
	carry []byte // unread bytes returned before r's
	store []byte // the memory carry lives in, reused
	err   error
}

func (s *stream) Read(p []byte) (int, error) {
	if len(s.carry) > 0 {
		n := copy(p, s.carry)
		s.carry = s.carry[n:]
		return n, nil
	}
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	s.err = err
	return n, err
}

// unread makes p, copied, the next bytes Read returns, before those it
// holds already. fill reads the input only once the held bytes are used up,
// so there are none left when p is not empty.
func (s *stream) unread(p []byte) {
	switch {
	case len(p) == 0:
	case len(s.carry) == 0:
		s.store = append(s.store[:0], p...)
		s.carry = s.store
	default:
		s.carry = slices.Concat(p, s.carry)
	}
}
