package example

import (
	"fmt"
	"maps"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
)

// Values holds the values that a [Batch] collected for one feature key, over
// every example parsed into it. The values of all examples lie back to back
// in the one slice that matches the spec's Kind, which is what a tensor of the
// batch needs: for a FixedLen float feature of shape [28, 28], Floats holds
// Len()×784 values in example order.
//
// To parse into memory of your own, set Floats, Int64s or Bytes to a slice
// with capacity before parsing: values are appended to it.
type Values struct {
	key  string
	spec FeatureSpec

	Bytes  [][]byte
	Floats []float32
	Int64s []int64

	// Lengths has one entry per example: its number of values (FixedLen,
	// VarLen) or of rows (FixedLenSequence, and every sequence feature:
	// its number of time steps).
	Lengths []int

	// RowLengths has one entry per time step of a VarLen sequence feature:
	// its number of values. It is nil otherwise.
	RowLengths []int
}

// Key returns the feature key the values are of.
func (v *Values) Key() string { return v.key }

// Spec returns the spec the values were parsed with.
func (v *Values) Spec() FeatureSpec {
	s := v.spec
	s.Shape = slices.Clone(s.Shape)
	return s
}

// Len returns the number of examples the values came from.
func (v *Values) Len() int { return len(v.Lengths) }

// count returns the number of values of the spec's kind.
func (v *Values) count() int {
	switch v.spec.Kind {
	case KindBytes:
		return len(v.Bytes)
	case KindFloat:
		return len(v.Floats)
	}
	return len(v.Int64s)
}

// truncate cuts the value slices back to n values.
func (v *Values) truncate(n int) {
	switch v.spec.Kind {
	case KindBytes:
		clear(v.Bytes[n:])
		v.Bytes = v.Bytes[:n]
	case KindFloat:
		v.Floats = v.Floats[:n]
	default:
		v.Int64s = v.Int64s[:n]
	}
}

// DenseShape returns the shape of the batch as a dense tensor: [Len()] +
// Shape for FixedLen; [Len(), longest] for VarLen, TensorFlow's dense_shape
// of the sparse result; [Len(), most rows] + Shape for FixedLenSequence,
// the padded shape. A VarLen sequence feature gives [Len(), most steps,
// longest step].
func (v *Values) DenseShape() []int {
	shape := []int{v.Len()}
	if v.spec.Layout != LayoutFixedLen {
		shape = append(shape, maxOf(v.Lengths))
	}
	if v.RowLengths != nil {
		return append(shape, maxOf(v.RowLengths))
	}
	if v.spec.Layout != LayoutVarLen {
		shape = append(shape, v.spec.Shape...)
	}
	return shape
}

func maxOf(s []int) int {
	if len(s) == 0 {
		return 0
	}
	return slices.Max(s)
}

// SparseIndices returns the indices of a VarLen feature in TensorFlow's
// sparse form: for each value, its example number and its position in the
// example, flattened as pairs [e0, i0, e1, i1, ...]. For a VarLen sequence
// feature they are triples of example, time step and position.
func (v *Values) SparseIndices() []int64 {
	if v.RowLengths != nil {
		idx := make([]int64, 0, 3*v.count())
		step := 0
		for e, steps := range v.Lengths {
			for t := range steps {
				for i := range v.RowLengths[step] {
					idx = append(idx, int64(e), int64(t), int64(i))
				}
				step++
			}
		}
		return idx
	}
	idx := make([]int64, 0, 2*v.count())
	for e, n := range v.Lengths {
		for i := range n {
			idx = append(idx, int64(e), int64(i))
		}
	}
	return idx
}

// Parser extracts the features of a [Spec] from serialized tf.train.Example
// protos without building an [Example], the way tf.io.parse_example does.
// A Parser is immutable and safe for concurrent use; each goroutine parses
// into its own [Batch].
type Parser struct {
	keys  []string
	specs []FeatureSpec
	index map[string]int
	seq   bool // the sequence part of a SequenceParser
}

// NewParser returns a Parser for spec, or an error naming the first
// feature whose spec is invalid.
func NewParser(spec Spec) (*Parser, error) {
	return newParser(spec, false, false)
}

func newParser(spec Spec, seq, context bool) (*Parser, error) {
	p := &Parser{index: make(map[string]int, len(spec)), seq: seq}
	p.keys = slices.Sorted(maps.Keys(spec))
	for i, k := range p.keys {
		s := spec[k]
		if err := s.check(seq, context); err != nil {
			return nil, fmt.Errorf("example: spec of feature %q: %w", k, err)
		}
		s.Shape = slices.Clone(s.Shape)
		p.specs = append(p.specs, s)
		p.index[k] = i
	}
	return p, nil
}

// Keys returns the feature keys of the spec in sorted order.
func (p *Parser) Keys() []string { return slices.Clone(p.keys) }

// NewBatch returns an empty Batch to parse into.
func (p *Parser) NewBatch() *Batch {
	b := &Batch{p: p, values: make([]Values, len(p.keys)), raw: make([][]byte, len(p.keys)), found: make([]bool, len(p.keys))}
	for i, k := range p.keys {
		b.values[i] = Values{key: k, spec: p.specs[i]}
	}
	return b
}

// Batch collects the values of the features of a spec over any number of
// parsed examples. It is not safe for concurrent use.
type Batch struct {
	p      *Parser
	values []Values
	n      int

	// Scratch for one example: the raw Feature (or FeatureList) message of
	// each spec key and whether it was found.
	raw       [][]byte
	found     []bool
	marks     []int
	entryVals [][]byte

	lay layout // of the records parsed last (see layout.go)
}

// Get returns the values of key, or nil if key is not in the spec.
func (b *Batch) Get(key string) *Values {
	i, ok := b.p.index[key]
	if !ok {
		return nil
	}
	return &b.values[i]
}

// Len returns the number of examples parsed into b.
func (b *Batch) Len() int { return b.n }

// Reset empties b for reuse, keeping the capacity of its slices. Values
// returned earlier are overwritten by later parsing.
func (b *Batch) Reset() {
	for i := range b.values {
		v := &b.values[i]
		clear(v.Bytes)
		v.Bytes, v.Floats, v.Int64s, v.Lengths = v.Bytes[:0], v.Floats[:0], v.Int64s[:0], v.Lengths[:0]
		if v.RowLengths != nil {
			v.RowLengths = v.RowLengths[:0]
		}
	}
	b.n = 0
}

// Parse parses one serialized Example with spec: the convenience form of
// [NewParser], [Parser.NewBatch] and [Parser.Append].
func Parse(serialized []byte, spec Spec) (*Batch, error) {
	p, err := NewParser(spec)
	if err != nil {
		return nil, err
	}
	b := p.NewBatch()
	if err := p.Append(b, serialized); err != nil {
		return nil, err
	}
	return b, nil
}

// Append parses one serialized tf.train.Example and appends the values of
// the spec's features to b. A missing FixedLen feature takes its default; a
// present one must have exactly Size() values of the spec's kind. Features
// not in the spec are skipped without being decoded. On error, which names
// the feature and what was wrong (example: feature "image": want 784
// floats, got 10), b is left as it was before the call.
//
// Records laid out alike on the wire, as those of one file usually are,
// take a faster path once b has parsed one: their values are decoded from
// where the last record had them, after checking that all their other
// bytes are the same. The results are those of the general path.
func (p *Parser) Append(b *Batch, serialized []byte) error {
	if b.p != p {
		return fmt.Errorf("example: batch belongs to another parser")
	}
	if b.lay.matches(serialized) && p.appendLaidOut(b, serialized) {
		b.lay.fails = 0
		return nil
	}
	clear(b.found)
	defer clear(b.raw) // do not keep the input alive
	err := scanTop(serialized, func(num protowire.Number, msg []byte) error {
		if num != fieldList {
			return nil
		}
		return p.collect(b, msg)
	})
	if err != nil {
		return malformed("Example", err)
	}
	b.mark()
	for i := range b.values {
		if err := p.extract(&b.values[i], b.raw[i], b.found[i]); err != nil {
			b.rollback()
			return err
		}
	}
	b.n++
	if !b.lay.off {
		p.noteLayout(b, serialized)
	}
	return nil
}

// scanTop calls fn for each length-delimited field of a top-level message.
func scanTop(b []byte, fn func(num protowire.Number, msg []byte) error) error {
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		if f.typ == protowire.BytesType {
			if err := fn(f.num, f.val); err != nil {
				return err
			}
		}
	}
	return nil
}

// collect records, for each entry of a Features or FeatureLists message
// whose key is in the spec, the raw value message. The last entry of a key
// wins; several value fields in one entry are concatenated, which for
// protobuf messages means merged.
func (p *Parser) collect(b *Batch, msg []byte) error {
	val := b.entryVals[:0]
	defer func() {
		clear(val) // do not keep the input alive
		b.entryVals = val[:0]
	}()
	for len(msg) > 0 {
		f, rest, err := nextField(msg)
		if err != nil {
			return err
		}
		msg = rest
		if f.num != fieldList || f.typ != protowire.BytesType {
			continue
		}
		key, vals, err := parseEntryKey(f.val, val[:0])
		val = vals
		if err != nil {
			return fmt.Errorf("feature entry: %w", err)
		}
		i, ok := p.lookup(key)
		if !ok {
			continue
		}
		b.found[i] = true
		switch len(val) {
		case 0:
			b.raw[i] = nil
		case 1:
			b.raw[i] = val[0]
		default:
			b.raw[i] = slices.Concat(val...)
		}
	}
	return nil
}

// lookup returns the index of key in the spec. A spec has a few keys, for
// which comparing them all is faster than hashing.
func (p *Parser) lookup(key []byte) (int, bool) {
	if len(p.keys) > 8 {
		i, ok := p.index[string(key)]
		return i, ok
	}
	for i, k := range p.keys {
		if string(key) == k {
			return i, true
		}
	}
	return 0, false
}

// parseEntryKey is parseEntry without converting the key to a string.
func parseEntryKey(b []byte, val [][]byte) ([]byte, [][]byte, error) {
	var key []byte
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return nil, val, err
		}
		b = rest
		if f.typ != protowire.BytesType {
			continue
		}
		switch f.num {
		case fieldMapKey:
			key = f.val
		case fieldMapValue:
			val = append(val, f.val)
		}
	}
	return key, val, nil
}

// mark remembers the lengths of every slice of b, for rollback.
func (b *Batch) mark() {
	b.marks = b.marks[:0]
	for i := range b.values {
		v := &b.values[i]
		b.marks = append(b.marks, v.count(), len(v.Lengths), len(v.RowLengths))
	}
}

// rollback cuts every slice of b back to its marked length.
func (b *Batch) rollback() {
	for i := range b.values {
		v := &b.values[i]
		m := b.marks[3*i:]
		v.truncate(m[0])
		v.Lengths = v.Lengths[:m[1]]
		if v.RowLengths != nil {
			v.RowLengths = v.RowLengths[:m[2]]
		}
	}
}

// extract appends the values of one feature of one example to v.
func (p *Parser) extract(v *Values, raw []byte, found bool) error {
	if p.seq {
		return extractSequence(v, raw, found)
	}
	s := &v.spec
	if !found {
		switch {
		case s.Layout == LayoutFixedLen && s.Default == nil:
			return fmt.Errorf("example: feature %q: required but missing", v.key)
		case s.Layout == LayoutFixedLen:
			appendDefault(v)
			v.Lengths = append(v.Lengths, s.Size())
		case s.Layout == LayoutFixedLenSequence && !s.AllowMissing:
			return fmt.Errorf("example: feature %q: required but missing (a FixedLenSequence feature without AllowMissing)", v.key)
		default:
			v.Lengths = append(v.Lengths, 0)
		}
		return nil
	}
	n, err := appendFeatureValues(v, raw)
	if err != nil {
		return fmt.Errorf("example: feature %q: %w", v.key, err)
	}
	switch s.Layout {
	case LayoutFixedLen:
		if n != s.Size() {
			v.truncate(v.count() - n)
			return fmt.Errorf("example: feature %q: want %d %s, got %d", v.key, s.Size(), s.Kind.noun(), n)
		}
	case LayoutFixedLenSequence:
		rows, ok := rowsOf(n, s.Size())
		if !ok {
			v.truncate(v.count() - n)
			return fmt.Errorf("example: feature %q: got %d %s, not a whole number of rows of %d", v.key, n, s.Kind.noun(), s.Size())
		}
		n = rows
	}
	v.Lengths = append(v.Lengths, n)
	return nil
}

// rowsOf returns how many rows of size values n values make.
func rowsOf(n, size int) (int, bool) {
	if size == 0 {
		return 0, n == 0
	}
	return n / size, n%size == 0
}

// appendDefault appends the default of v's spec, repeating a single value
// to fill the shape.
func appendDefault(v *Values) {
	d, size := v.spec.Default, v.spec.Size()
	for range size / max(d.Len(), 1) {
		switch v.spec.Kind {
		case KindBytes:
			for _, x := range d.Bytes {
				v.Bytes = append(v.Bytes, slices.Clone(x))
			}
		case KindFloat:
			v.Floats = append(v.Floats, d.Floats...)
		case KindInt64:
			v.Int64s = append(v.Int64s, d.Int64s...)
		}
	}
}

// appendFeatureValues appends the values of a Feature message to v and
// returns how many there were. The message's final kind (the oneof's last
// member) must be the spec's kind or none (a Feature{}, which has zero
// values of any kind, as in TensorFlow).
func appendFeatureValues(v *Values, msg []byte) (int, error) {
	// First find the final kind and where its last run of fields begins:
	// fields of an earlier kind are replaced by it. The run is nearly always
	// one field, which is then decoded without a second pass.
	kind, start, runs := KindNone, 0, 0
	var only field
	for b := msg; len(b) > 0; {
		f, rest, err := nextField(b)
		if err != nil {
			return 0, err
		}
		switch k := listKind(f); {
		case k == KindNone:
		case k != kind:
			kind, start, runs, only = k, len(msg)-len(b), 1, f
		default:
			runs++
		}
		b = rest
	}
	if kind == KindNone {
		return 0, nil
	}
	if kind != v.spec.Kind {
		return 0, fmt.Errorf("want %v, got %v", v.spec.Kind, kind)
	}
	before := v.count()
	if runs == 1 {
		if err := appendList(v, kind, only.val); err != nil {
			v.truncate(before)
			return 0, fmt.Errorf("%v: %w", kind, err)
		}
		return v.count() - before, nil
	}
	for b := msg[start:]; len(b) > 0; {
		f, rest, _ := nextField(b) // checked above
		b = rest
		if listKind(f) != kind {
			continue
		}
		if err := appendList(v, kind, f.val); err != nil {
			v.truncate(before)
			return 0, fmt.Errorf("%v: %w", kind, err)
		}
	}
	return v.count() - before, nil
}

// appendList appends the values of a list message of the given kind to v.
func appendList(v *Values, kind Kind, list []byte) error {
	var err error
	switch kind {
	case KindBytes:
		v.Bytes, err = appendBytes(v.Bytes, list, false)
	case KindFloat:
		v.Floats, err = appendFloats(v.Floats, list)
	case KindInt64:
		v.Int64s, err = appendInt64s(v.Int64s, list)
	}
	return err
}
