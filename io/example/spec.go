package example

import (
	"errors"
	"fmt"
	"math"
)

// Layout says how the values of a feature are shaped, after TensorFlow's
// feature configurations (tf.io.FixedLenFeature and friends).
type Layout uint8

// The layouts of a [FeatureSpec].
const (
	// LayoutFixedLen: exactly Size() values per example, or the default
	// when the key is missing (tf.io.FixedLenFeature).
	LayoutFixedLen Layout = iota + 1
	// LayoutVarLen: any number of values (tf.io.VarLenFeature); a missing
	// key is zero values. In a sequence spec, any number per time step.
	LayoutVarLen
	// LayoutFixedLenSequence: whole rows of Size() values, any number of
	// them (tf.io.FixedLenSequenceFeature). In an Example the list is cut
	// into rows; in a sequence spec each time step is one row.
	LayoutFixedLenSequence
)

// String returns the TensorFlow name of the layout, such as "FixedLen".
func (l Layout) String() string {
	switch l {
	case LayoutFixedLen:
		return "FixedLen"
	case LayoutVarLen:
		return "VarLen"
	case LayoutFixedLenSequence:
		return "FixedLenSequence"
	}
	return fmt.Sprintf("Layout(%d)", uint8(l))
}

// FeatureSpec says how to parse one feature: its layout, the kind of its
// values and, for fixed layouts, the shape of one example or one row.
type FeatureSpec struct {
	Layout Layout
	Kind   Kind  // KindBytes, KindFloat or KindInt64
	Shape  []int // per example (FixedLen) or per row (FixedLenSequence); nil is a scalar

	// Default is used for a missing FixedLen feature: either Size() values
	// or a single value repeated Size() times. Nil makes the feature
	// required. For a FixedLenSequence feature it is the one-row padding
	// value that a batching layer may use; parsing does not use it.
	Default *Feature

	// AllowMissing lets a FixedLenSequence feature be missing, giving zero
	// rows; otherwise a missing one is an error.
	AllowMissing bool
}

// FixedLen returns the spec of a feature with exactly prod(shape) values of
// kind, like tf.io.FixedLenFeature(shape, dtype). With no shape it is a
// scalar: one value.
func FixedLen(kind Kind, shape ...int) FeatureSpec {
	return FeatureSpec{Layout: LayoutFixedLen, Kind: kind, Shape: shape}
}

// VarLen returns the spec of a feature with any number of values of kind,
// like tf.io.VarLenFeature(dtype).
func VarLen(kind Kind) FeatureSpec {
	return FeatureSpec{Layout: LayoutVarLen, Kind: kind}
}

// FixedLenSequence returns the spec of a feature made of rows of
// prod(shape) values, like tf.io.FixedLenSequenceFeature(shape, dtype).
func FixedLenSequence(kind Kind, shape ...int) FeatureSpec {
	return FeatureSpec{Layout: LayoutFixedLenSequence, Kind: kind, Shape: shape}
}

// WithDefault returns s with the default value f. The feature is not copied.
func (s FeatureSpec) WithDefault(f Feature) FeatureSpec {
	s.Default = &f
	return s
}

// WithAllowMissing returns s with AllowMissing set.
func (s FeatureSpec) WithAllowMissing() FeatureSpec {
	s.AllowMissing = true
	return s
}

// Size returns the number of values in one example (FixedLen) or one row
// (FixedLenSequence): the product of Shape, 1 for a scalar.
func (s FeatureSpec) Size() int {
	n := 1
	for _, d := range s.Shape {
		n *= d
	}
	return n
}

// Spec maps feature keys to how each is parsed: the features argument of
// tf.io.parse_example. Keys not in a Spec are skipped when parsing.
type Spec map[string]FeatureSpec

// maxSize bounds Size() so that products of dimensions cannot overflow an
// int, even where it has 32 bits.
const maxSize = math.MaxInt32

// check validates one feature spec; seq says it is in the sequence part of
// a SequenceExample spec, context that it is in the context part.
func (s FeatureSpec) check(seq, context bool) error {
	switch s.Kind {
	case KindBytes, KindFloat, KindInt64:
	default:
		return fmt.Errorf("kind %v, want bytes_list, float_list or int64_list", s.Kind)
	}
	switch {
	case s.Layout == LayoutVarLen:
		if len(s.Shape) != 0 {
			return errors.New("a VarLen feature has no shape")
		}
	case s.Layout == LayoutFixedLen && seq:
		return errors.New("a sequence feature is FixedLenSequence or VarLen, not FixedLen")
	case s.Layout == LayoutFixedLenSequence && context:
		return errors.New("a context feature is FixedLen or VarLen, not FixedLenSequence")
	case s.Layout == LayoutFixedLen, s.Layout == LayoutFixedLenSequence:
	default:
		return fmt.Errorf("unknown layout %v", s.Layout)
	}
	n := 1
	for _, d := range s.Shape {
		if d < 0 {
			return fmt.Errorf("shape %v has a negative dimension", s.Shape)
		}
		if d > 0 && n > maxSize/d {
			return fmt.Errorf("shape %v is too large", s.Shape)
		}
		n *= d
	}
	if s.Default == nil {
		return nil
	}
	if s.Layout == LayoutVarLen {
		return errors.New("a VarLen feature has no default")
	}
	if s.Default.Kind != s.Kind {
		return fmt.Errorf("default is a %v, want %v", s.Default.Kind, s.Kind)
	}
	if err := s.Default.check(); err != nil {
		return fmt.Errorf("default: %w", err)
	}
	if l := s.Default.Len(); l != n && l != 1 {
		return fmt.Errorf("default has %d %s, want %d or 1", l, s.Kind.noun(), n)
	}
	return nil
}
