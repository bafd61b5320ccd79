package example

import (
	"fmt"
	"slices"
)

// Kind says which of its three lists a [Feature] holds: the oneof of
// tf.train.Feature. The zero Kind, [KindNone], is a feature with no list set.
type Kind uint8

// The kinds of a feature.
const (
	KindNone  Kind = iota // no list: a Feature{} on the wire
	KindBytes             // bytes_list: byte strings (text as UTF-8)
	KindFloat             // float_list: float32 values
	KindInt64             // int64_list: int64 values (also booleans and ints)
)

// String returns the field name of the kind in feature.proto, such as
// "float_list", or "none".
func (k Kind) String() string {
	switch k {
	case KindNone:
		return "none"
	case KindBytes:
		return "bytes_list"
	case KindFloat:
		return "float_list"
	case KindInt64:
		return "int64_list"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// noun returns the plural that messages count values of kind k in.
func (k Kind) noun() string {
	switch k {
	case KindBytes:
		return "byte strings"
	case KindFloat:
		return "floats"
	case KindInt64:
		return "int64s"
	}
	return "values"
}

// Feature is one tf.train.Feature: a list of byte strings, float32 values or
// int64 values. Kind says which list it is, so that an empty list of a kind
// ("present, zero values") is distinct from another kind's; only the slice
// that matches Kind may be non-empty.
type Feature struct {
	Kind   Kind
	Bytes  [][]byte
	Floats []float32
	Int64s []int64
}

// BytesFeature returns a bytes_list feature holding v. The slices are not
// copied.
func BytesFeature(v ...[]byte) Feature {
	return Feature{Kind: KindBytes, Bytes: v}
}

// StringFeature returns a bytes_list feature holding the strings s, the way
// TensorFlow stores text.
func StringFeature(s ...string) Feature {
	b := make([][]byte, len(s))
	for i, v := range s {
		b[i] = []byte(v)
	}
	return Feature{Kind: KindBytes, Bytes: b}
}

// FloatFeature returns a float_list feature holding v. The slice is not
// copied.
func FloatFeature(v ...float32) Feature {
	return Feature{Kind: KindFloat, Floats: v}
}

// Int64Feature returns an int64_list feature holding v. The slice is not
// copied.
func Int64Feature(v ...int64) Feature {
	return Feature{Kind: KindInt64, Int64s: v}
}

// Len returns the number of values in the feature's list.
func (f Feature) Len() int {
	switch f.Kind {
	case KindBytes:
		return len(f.Bytes)
	case KindFloat:
		return len(f.Floats)
	case KindInt64:
		return len(f.Int64s)
	}
	return 0
}

// Equal reports whether f and g hold the same kind and values. Floats are
// compared bit for bit, so NaN equals an identical NaN; a nil and an empty
// slice are equal.
func (f Feature) Equal(g Feature) bool {
	if f.Kind != g.Kind || f.Len() != g.Len() {
		return false
	}
	switch f.Kind {
	case KindBytes:
		return slices.EqualFunc(f.Bytes, g.Bytes, func(a, b []byte) bool { return string(a) == string(b) })
	case KindFloat:
		for i, v := range f.Floats {
			if floatBits(v) != floatBits(g.Floats[i]) {
				return false
			}
		}
		return true
	case KindInt64:
		return slices.Equal(f.Int64s, g.Int64s)
	}
	return true
}

// check reports a Feature whose lists disagree with its Kind.
func (f *Feature) check() error {
	if f.Kind > KindInt64 {
		return fmt.Errorf("unknown kind %v", f.Kind)
	}
	for _, l := range []struct {
		kind Kind
		n    int
	}{{KindBytes, len(f.Bytes)}, {KindFloat, len(f.Floats)}, {KindInt64, len(f.Int64s)}} {
		if l.n > 0 && l.kind != f.Kind {
			return fmt.Errorf("kind %v but %d %s set", f.Kind, l.n, l.kind.noun())
		}
	}
	return nil
}

// Features is a tf.train.Features: features by name.
type Features map[string]Feature

// Equal reports whether fs and gs hold the same keys with equal features. A
// nil and an empty map are equal.
func (fs Features) Equal(gs Features) bool {
	if len(fs) != len(gs) {
		return false
	}
	for k, f := range fs {
		g, ok := gs[k]
		if !ok || !f.Equal(g) {
			return false
		}
	}
	return true
}

// FeatureLists is the feature_lists of a tf.train.SequenceExample: for each
// name, one Feature per time step.
type FeatureLists map[string][]Feature

// Equal reports whether ls and ms hold the same keys with equal lists.
func (ls FeatureLists) Equal(ms FeatureLists) bool {
	if len(ls) != len(ms) {
		return false
	}
	for k, l := range ls {
		m, ok := ms[k]
		if !ok || !slices.EqualFunc(l, m, Feature.Equal) {
			return false
		}
	}
	return true
}

// Example is a tf.train.Example, the usual payload of a TFRecord file.
// A nil Features is absent on the wire; a non-nil empty one is present.
type Example struct {
	Features Features
}

// SequenceExample is a tf.train.SequenceExample: per-sequence Context
// features, and FeatureLists holding one Feature per time step. A nil map is
// absent on the wire; a non-nil empty one is present.
type SequenceExample struct {
	Context      Features
	FeatureLists FeatureLists
}
