package example

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// SequenceParser extracts features from serialized tf.train.SequenceExample
// protos, the way tf.io.parse_sequence_example does: context features with
// a context [Spec] (FixedLen or VarLen) and feature lists with a sequence
// Spec (FixedLenSequence: one row per time step; VarLen: any number of
// values per time step). It is immutable and safe for concurrent use.
type SequenceParser struct {
	context, sequence *Parser
}

// NewSequenceParser returns a SequenceParser for the two specs, or an error
// naming the first feature whose spec is invalid.
func NewSequenceParser(context, sequence Spec) (*SequenceParser, error) {
	c, err := newParser(context, false, true)
	if err != nil {
		return nil, err
	}
	s, err := newParser(sequence, true, false)
	if err != nil {
		return nil, err
	}
	return &SequenceParser{context: c, sequence: s}, nil
}

// NewBatches returns empty batches for the context and the sequence
// features.
func (p *SequenceParser) NewBatches() (context, sequence *Batch) {
	context, sequence = p.context.NewBatch(), p.sequence.NewBatch()
	for i := range sequence.values {
		if v := &sequence.values[i]; v.spec.Layout == LayoutVarLen {
			v.RowLengths = []int{}
		}
	}
	return context, sequence
}

// ParseSequence parses one serialized SequenceExample: the convenience form
// of [NewSequenceParser], [SequenceParser.NewBatches] and
// [SequenceParser.Append].
func ParseSequence(serialized []byte, context, sequence Spec) (ctx, seq *Batch, err error) {
	p, err := NewSequenceParser(context, sequence)
	if err != nil {
		return nil, nil, err
	}
	ctx, seq = p.NewBatches()
	if err := p.Append(ctx, seq, serialized); err != nil {
		return nil, nil, err
	}
	return ctx, seq, nil
}

// Append parses one serialized SequenceExample and appends its context
// features to context and its feature lists to sequence, batches from
// [SequenceParser.NewBatches]. Every time step of a FixedLenSequence
// feature must hold exactly Size() values. A missing feature list is zero
// time steps for VarLen and for FixedLenSequence with AllowMissing, and an
// error otherwise. On error both batches are left as they were.
func (p *SequenceParser) Append(context, sequence *Batch, serialized []byte) error {
	if context.p != p.context || sequence.p != p.sequence {
		return fmt.Errorf("example: batches belong to another parser")
	}
	clear(context.found)
	clear(sequence.found)
	defer clear(context.raw) // do not keep the input alive
	defer clear(sequence.raw)
	err := scanTop(serialized, func(num protowire.Number, msg []byte) error {
		switch num {
		case fieldContext:
			return p.context.collect(context, msg)
		case fieldSeqLists:
			return p.sequence.collect(sequence, msg)
		}
		return nil
	})
	if err != nil {
		return malformed("SequenceExample", err)
	}
	context.mark()
	sequence.mark()
	for _, b := range []*Batch{context, sequence} {
		for i := range b.values {
			if err := b.p.extract(&b.values[i], b.raw[i], b.found[i]); err != nil {
				context.rollback()
				sequence.rollback()
				return err
			}
		}
	}
	context.n++
	sequence.n++
	return nil
}

// extractSequence appends the time steps of one FeatureList message to v.
func extractSequence(v *Values, raw []byte, found bool) error {
	s := &v.spec
	if !found && s.Layout == LayoutFixedLenSequence && !s.AllowMissing {
		return fmt.Errorf("example: feature list %q: required but missing (a FixedLenSequence feature without AllowMissing)", v.key)
	}
	steps := 0
	for len(raw) > 0 {
		f, rest, err := nextField(raw)
		if err != nil {
			return fmt.Errorf("example: malformed SequenceExample: feature list %q: %w", v.key, err)
		}
		raw = rest
		if f.num != fieldList || f.typ != protowire.BytesType {
			continue
		}
		n, err := appendFeatureValues(v, f.val)
		if err != nil {
			return fmt.Errorf("example: feature list %q step %d: %w", v.key, steps, err)
		}
		if s.Layout == LayoutFixedLenSequence && n != s.Size() {
			v.truncate(v.count() - n)
			return fmt.Errorf("example: feature list %q step %d: want %d %s, got %d", v.key, steps, s.Size(), s.Kind.noun(), n)
		}
		if v.RowLengths != nil {
			v.RowLengths = append(v.RowLengths, n)
		}
		steps++
	}
	v.Lengths = append(v.Lengths, steps)
	return nil
}
