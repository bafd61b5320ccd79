package example

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of example.proto and feature.proto. Every list and map in
// them is field 1 of its message.
const (
	fieldList      = 1 // Example.features, Features.feature, *List.value, FeatureList.feature, FeatureLists.feature_list
	fieldMapKey    = 1 // a map entry's key
	fieldMapValue  = 2 // a map entry's value
	fieldContext   = 1 // SequenceExample.context
	fieldSeqLists  = 2 // SequenceExample.feature_lists
	fieldBytesList = 1 // Feature.bytes_list
	fieldFloatList = 2 // Feature.float_list
	fieldInt64List = 3 // Feature.int64_list
)

func floatBits(f float32) uint32 { return math.Float32bits(f) }

// Marshal returns the wire encoding of e. It is deterministic, as protobuf's
// deterministic serialization is: map keys in sorted order and float and
// int64 lists packed, so equal Examples give equal bytes. It fails only on a
// Feature whose lists disagree with its Kind.
func (e *Example) Marshal() ([]byte, error) {
	return e.AppendMarshal(nil)
}

// AppendMarshal appends the wire encoding of e, as [Example.Marshal] returns
// it, to dst and returns the extended slice. On error it returns dst
// unchanged.
func (e *Example) AppendMarshal(dst []byte) ([]byte, error) {
	if e.Features == nil {
		return dst, nil
	}
	keys, err := sortedChecked(e.Features)
	if err != nil {
		return dst, err
	}
	dst = protowire.AppendTag(dst, fieldList, protowire.BytesType)
	dst = protowire.AppendVarint(dst, uint64(featuresSize(e.Features, keys)))
	return appendFeatures(dst, e.Features, keys), nil
}

// Marshal returns the wire encoding of s, deterministic as [Example.Marshal]
// is.
func (s *SequenceExample) Marshal() ([]byte, error) {
	return s.AppendMarshal(nil)
}

// AppendMarshal appends the wire encoding of s to dst and returns the
// extended slice. On error it returns dst unchanged.
func (s *SequenceExample) AppendMarshal(dst []byte) ([]byte, error) {
	var ctxKeys, listKeys []string
	if s.Context != nil {
		var err error
		if ctxKeys, err = sortedChecked(s.Context); err != nil {
			return dst, err
		}
	}
	if s.FeatureLists != nil {
		listKeys = sortedKeys(s.FeatureLists)
		for _, k := range listKeys {
			for t := range s.FeatureLists[k] {
				if err := s.FeatureLists[k][t].check(); err != nil {
					return dst, fmt.Errorf("example: feature list %q step %d: %w", k, t, err)
				}
			}
		}
	}
	if s.Context != nil {
		dst = protowire.AppendTag(dst, fieldContext, protowire.BytesType)
		dst = protowire.AppendVarint(dst, uint64(featuresSize(s.Context, ctxKeys)))
		dst = appendFeatures(dst, s.Context, ctxKeys)
	}
	if s.FeatureLists != nil {
		size := 0
		for _, k := range listKeys {
			size += entrySize(k, featureListSize(s.FeatureLists[k]))
		}
		dst = protowire.AppendTag(dst, fieldSeqLists, protowire.BytesType)
		dst = protowire.AppendVarint(dst, uint64(size))
		for _, k := range listKeys {
			l := s.FeatureLists[k]
			dst = appendEntryHead(dst, k, featureListSize(l))
			for t := range l {
				dst = appendFeatureField(dst, fieldList, &l[t])
			}
		}
	}
	return dst, nil
}

// sortedChecked returns the keys of fs in order after checking every feature.
func sortedChecked(fs Features) ([]string, error) {
	keys := sortedKeys(fs)
	for _, k := range keys {
		f := fs[k]
		if err := f.check(); err != nil {
			return nil, fmt.Errorf("example: feature %q: %w", k, err)
		}
	}
	return keys, nil
}

// sortedKeys returns the keys of m in order, in one allocation.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// featuresSize returns the size of a Features message.
func featuresSize(fs Features, keys []string) int {
	n := 0
	for _, k := range keys {
		f := fs[k]
		n += entrySize(k, featureSize(&f))
	}
	return n
}

func appendFeatures(dst []byte, fs Features, keys []string) []byte {
	for _, k := range keys {
		f := fs[k]
		dst = appendEntryHead(dst, k, featureSize(&f))
		dst = appendFeature(dst, &f)
	}
	return dst
}

// entrySize returns the size of one map entry field (tag, length and the
// entry message) whose value message is valSize bytes. Map entries always
// carry both key and value, as protobuf writes them.
func entrySize(key string, valSize int) int {
	n := 1 + protowire.SizeBytes(len(key)) + 1 + protowire.SizeBytes(valSize)
	return 1 + protowire.SizeBytes(n)
}

// appendEntryHead appends a map entry's tag and length, its key and the tag
// and length of its value; the value message follows.
func appendEntryHead(dst []byte, key string, valSize int) []byte {
	n := 1 + protowire.SizeBytes(len(key)) + 1 + protowire.SizeBytes(valSize)
	dst = protowire.AppendTag(dst, fieldList, protowire.BytesType)
	dst = protowire.AppendVarint(dst, uint64(n))
	dst = protowire.AppendTag(dst, fieldMapKey, protowire.BytesType)
	dst = protowire.AppendString(dst, key)
	dst = protowire.AppendTag(dst, fieldMapValue, protowire.BytesType)
	return protowire.AppendVarint(dst, uint64(valSize))
}

// featureListSize returns the size of a FeatureList message.
func featureListSize(l []Feature) int {
	n := 0
	for t := range l {
		n += 1 + protowire.SizeBytes(featureSize(&l[t]))
	}
	return n
}

// appendFeatureField appends f as a length-delimited field num.
func appendFeatureField(dst []byte, num protowire.Number, f *Feature) []byte {
	dst = protowire.AppendTag(dst, num, protowire.BytesType)
	dst = protowire.AppendVarint(dst, uint64(featureSize(f)))
	return appendFeature(dst, f)
}

// featureSize returns the size of a Feature message: its one list field.
func featureSize(f *Feature) int {
	if f.Kind == KindNone {
		return 0
	}
	return 1 + protowire.SizeBytes(listSize(f))
}

// listSize returns the size of f's BytesList, FloatList or Int64List message.
func listSize(f *Feature) int {
	switch f.Kind {
	case KindBytes:
		n := 0
		for _, b := range f.Bytes {
			n += 1 + protowire.SizeBytes(len(b))
		}
		return n
	case KindFloat:
		if len(f.Floats) == 0 {
			return 0
		}
		return 1 + protowire.SizeBytes(4*len(f.Floats))
	case KindInt64:
		if len(f.Int64s) == 0 {
			return 0
		}
		return 1 + protowire.SizeBytes(varintsSize(f.Int64s))
	}
	return 0
}

func varintsSize(v []int64) int {
	n := 0
	for _, x := range v {
		n += protowire.SizeVarint(uint64(x))
	}
	return n
}

// appendFeature appends the Feature message f (without tag or length).
func appendFeature(dst []byte, f *Feature) []byte {
	var num protowire.Number
	switch f.Kind {
	case KindBytes:
		num = fieldBytesList
	case KindFloat:
		num = fieldFloatList
	case KindInt64:
		num = fieldInt64List
	default:
		return dst
	}
	dst = protowire.AppendTag(dst, num, protowire.BytesType)
	dst = protowire.AppendVarint(dst, uint64(listSize(f)))
	switch f.Kind {
	case KindBytes:
		for _, b := range f.Bytes {
			dst = protowire.AppendTag(dst, fieldList, protowire.BytesType)
			dst = protowire.AppendBytes(dst, b)
		}
	case KindFloat:
		if len(f.Floats) > 0 {
			dst = protowire.AppendTag(dst, fieldList, protowire.BytesType)
			dst = protowire.AppendVarint(dst, uint64(4*len(f.Floats)))
			dst = slices.Grow(dst, 4*len(f.Floats))
			for _, v := range f.Floats {
				dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(v))
			}
		}
	case KindInt64:
		if len(f.Int64s) > 0 {
			dst = protowire.AppendTag(dst, fieldList, protowire.BytesType)
			dst = protowire.AppendVarint(dst, uint64(varintsSize(f.Int64s)))
			for _, v := range f.Int64s {
				dst = protowire.AppendVarint(dst, uint64(v))
			}
		}
	}
	return dst
}
