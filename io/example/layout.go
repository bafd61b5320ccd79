package example

import "google.golang.org/protobuf/encoding/protowire"

// The records of one file are nearly always laid out alike: the same features in the
// same order, encoded the same way, with values of the same sizes (an image of 784
// floats and a label, say). A Batch notes the layout of a record it parsed: where the
// value bytes of each spec feature lie, and the record's other bytes (its "frame":
// tags, lengths, keys). A later record of the same length and with the same frame
// bytes has the structure of the noted one byte for byte: the general parser would
// take the same path through it and find the values at the same places, since it
// decides everything from frame bytes. Its values are then decoded from those places
// directly, which skips the walk through the nested messages. Anything else takes the
// general path, and so does any record whose int64 values do not decode to the count
// the layout expects.
//
// Only simple layouts are noted: one Features message whose entries are a key and a
// value each, every spec feature present once, as a Feature of the spec's kind (float
// or int64) holding one packed list. The value messages of the entries whose keys are
// not in the spec are skipped whole by the general parser, so their bytes need not
// match either.

// layout is the layout of a record that a Batch parsed.
type layout struct {
	size  int     // the record's length
	frame []byte  // the record's bytes outside spans, back to back
	spans []vspan // the bytes that the frame does not cover, in record order

	// fails counts the records in a row that did not have the layout noted last;
	// off is set when there were so many that noting layouts is not worth its cost.
	fails int
	off   bool
}

// vspan is a span of a record's bytes that is not part of its frame: the packed values
// of spec feature feat, or for kind KindNone the value of an entry whose key is not in
// the spec.
type vspan struct {
	lo, hi int
	feat   int
	kind   Kind
}

// maxLayoutFails is the number of records in a row without the layout noted last
// after which a Batch stops noting layouts.
const maxLayoutFails = 8

// matches reports whether rec has layout l: the same length and frame bytes.
func (l *layout) matches(rec []byte) bool {
	if len(rec) != l.size || l.size == 0 {
		return false
	}
	pos, f := 0, l.frame
	for _, s := range l.spans {
		n := s.lo - pos
		if string(rec[pos:s.lo]) != string(f[:n]) {
			return false
		}
		pos, f = s.hi, f[n:]
	}
	return string(rec[pos:]) == string(f)
}

// appendLaidOut appends the values of rec, which has b's layout, to b, and reports
// whether it did: it does not when an int64 list does not decode to the expected
// count, and then leaves b as it was.
func (p *Parser) appendLaidOut(b *Batch, rec []byte) bool {
	b.mark()
	for _, s := range b.lay.spans {
		if s.kind == KindNone {
			continue
		}
		v, val := &b.values[s.feat], rec[s.lo:s.hi]
		switch s.kind {
		case KindFloat:
			v.Floats = appendPackedFloats(v.Floats, val)
		case KindInt64:
			before := len(v.Int64s)
			var err error
			if v.Int64s, err = appendPackedInt64s(v.Int64s, val); err != nil || len(v.Int64s)-before != v.spec.Size() {
				b.rollback()
				return false
			}
		}
	}
	for i := range b.values {
		v := &b.values[i]
		v.Lengths = append(v.Lengths, v.spec.Size())
	}
	b.n++
	return true
}

// noteLayout notes the layout of rec, which p has just parsed into b without error,
// or forgets the one b had if rec's is not simple enough.
func (p *Parser) noteLayout(b *Batch, rec []byte) {
	l := &b.lay
	if l.fails++; l.fails > maxLayoutFails {
		l.off = true
	}
	l.size, l.spans = 0, l.spans[:0]
	clear(b.found)
	if !p.layoutOf(b, rec) {
		l.spans = l.spans[:0]
		return
	}
	for _, f := range b.found {
		if !f {
			l.spans = l.spans[:0]
			return // a missing feature: its default is not laid out
		}
	}
	l.frame = l.frame[:0]
	pos := 0
	for _, s := range l.spans {
		l.frame = append(l.frame, rec[pos:s.lo]...)
		pos = s.hi
	}
	l.frame = append(l.frame, rec[pos:]...)
	l.size = len(rec)
}

// layoutOf adds the spans of rec to b.lay.spans and marks the spec features found in
// b.found. It reports whether rec's layout is simple (see above).
func (p *Parser) layoutOf(b *Batch, rec []byte) bool {
	features := false
	for m := rec; len(m) > 0; {
		f, rest, err := nextField(m)
		if err != nil {
			return false
		}
		if f.num == fieldList && f.typ == protowire.BytesType {
			if features {
				return false // two Features messages, which merge
			}
			features = true
			if !p.layoutFeatures(b, f.val, at(rec, rest, f.val)) {
				return false
			}
		}
		m = rest
	}
	return true
}

// at returns the offset in msg of val, the value of the field of msg that rest follows.
func at(msg, rest, val []byte) int { return len(msg) - len(rest) - len(val) }

// layoutFeatures adds the spans of a Features message at offset base of the record.
func (p *Parser) layoutFeatures(b *Batch, msg []byte, base int) bool {
	for m := msg; len(m) > 0; {
		f, rest, err := nextField(m)
		if err != nil {
			return false
		}
		m = rest
		if f.num != fieldList || f.typ != protowire.BytesType {
			continue
		}
		entry := base + at(msg, rest, f.val)
		k, r1, err := nextField(f.val)
		if err != nil || k.num != fieldMapKey || k.typ != protowire.BytesType {
			return false
		}
		v, r2, err := nextField(r1)
		if err != nil || v.num != fieldMapValue || v.typ != protowire.BytesType || len(r2) != 0 {
			return false
		}
		off := entry + at(f.val, r2, v.val)
		i, ok := p.lookup(k.val)
		if !ok {
			b.lay.spans = append(b.lay.spans, vspan{lo: off, hi: off + len(v.val), kind: KindNone})
			continue
		}
		if b.found[i] || !p.layoutFeature(b, i, v.val, off) {
			return false
		}
		b.found[i] = true
	}
	return true
}

// layoutFeature adds the span of the values of spec feature i, whose Feature message
// is at offset base of the record.
func (p *Parser) layoutFeature(b *Batch, i int, msg []byte, base int) bool {
	s := &p.specs[i]
	if s.Layout != LayoutFixedLen || (s.Kind != KindFloat && s.Kind != KindInt64) {
		return false
	}
	l, r, err := nextField(msg)
	if err != nil || len(r) != 0 || listKind(l) != s.Kind {
		return false
	}
	list := base + at(msg, r, l.val)
	v, r, err := nextField(l.val)
	if err != nil || len(r) != 0 || v.num != fieldList || v.typ != protowire.BytesType {
		return false
	}
	if s.Kind == KindFloat && len(v.val) != 4*s.Size() {
		return false
	}
	off := list + at(l.val, r, v.val)
	b.lay.spans = append(b.lay.spans, vspan{lo: off, hi: off + len(v.val), feat: i, kind: s.Kind})
	return true
}
