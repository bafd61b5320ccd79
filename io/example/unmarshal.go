package example

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Unmarshal replaces e with the Example encoded in b, following protobuf's
// rules: list values may be packed or not, map entries come in any order and
// the last entry of a key wins, a later oneof member replaces an earlier one,
// and unknown fields are skipped. Byte strings are copied, so b may be reused
// afterwards. An error names the feature and what was malformed; on error e
// holds what was decoded before it.
func (e *Example) Unmarshal(b []byte) error {
	*e = Example{}
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return malformed("Example", err)
		}
		b = rest
		if f.num == fieldList && f.typ == protowire.BytesType {
			if e.Features == nil {
				e.Features = Features{}
			}
			if err := e.Features.merge(f.val); err != nil {
				return malformed("Example", err)
			}
		}
	}
	return nil
}

// Unmarshal replaces s with the SequenceExample encoded in b, with the rules
// of [Example.Unmarshal].
func (s *SequenceExample) Unmarshal(b []byte) error {
	*s = SequenceExample{}
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return malformed("SequenceExample", err)
		}
		b = rest
		if f.typ != protowire.BytesType {
			continue
		}
		switch f.num {
		case fieldContext:
			if s.Context == nil {
				s.Context = Features{}
			}
			err = s.Context.merge(f.val)
		case fieldSeqLists:
			if s.FeatureLists == nil {
				s.FeatureLists = FeatureLists{}
			}
			err = s.FeatureLists.merge(f.val)
		}
		if err != nil {
			return malformed("SequenceExample", err)
		}
	}
	return nil
}

func malformed(what string, err error) error {
	return fmt.Errorf("example: malformed %s: %w", what, err)
}

// merge adds the entries of a Features message to fs.
func (fs Features) merge(b []byte) error {
	return forEachEntry(b, "feature", func(key string, val [][]byte) error {
		var f Feature
		for _, v := range val {
			if err := f.merge(v); err != nil {
				return err
			}
		}
		fs[key] = f
		return nil
	})
}

// merge adds the entries of a FeatureLists message to ls.
func (ls FeatureLists) merge(b []byte) error {
	return forEachEntry(b, "feature list", func(key string, val [][]byte) error {
		l := []Feature{}
		for _, v := range val {
			for len(v) > 0 {
				f, rest, err := nextField(v)
				if err != nil {
					return err
				}
				v = rest
				if f.num != fieldList || f.typ != protowire.BytesType {
					continue
				}
				var feat Feature
				if err := feat.merge(f.val); err != nil {
					return fmt.Errorf("step %d: %w", len(l), err)
				}
				l = append(l, feat)
			}
		}
		ls[key] = l
		return nil
	})
}

// forEachEntry calls fn for each entry of a map<string, message> field 1 in
// b, with the entry's key and the payloads of its value field (a message
// field that occurs more than once is merged by its consumer). Errors are
// prefixed with the entry's name and key.
func forEachEntry(b []byte, what string, fn func(key string, val [][]byte) error) error {
	var val [][]byte
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		if f.num != fieldList || f.typ != protowire.BytesType {
			continue
		}
		key, vals, err := parseEntry(f.val, val[:0])
		if err != nil {
			return fmt.Errorf("%s entry: %w", what, err)
		}
		val = vals
		if err := fn(key, val); err != nil {
			return fmt.Errorf("%s %q: %w", what, key, err)
		}
	}
	return nil
}

// parseEntry decodes a map entry message: the last key and every value
// payload.
func parseEntry(b []byte, val [][]byte) (string, [][]byte, error) {
	var key []byte
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return "", val, err
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
	return string(key), val, nil
}

// merge decodes a Feature message into f. A list of the kind f already has
// is extended (protobuf merges a repeated message field); a list of another
// kind replaces it (the oneof's last member wins).
func (f *Feature) merge(b []byte) error {
	for len(b) > 0 {
		fld, rest, err := nextField(b)
		if err != nil {
			return err
		}
		b = rest
		kind := listKind(fld)
		if kind == KindNone {
			continue
		}
		if kind != f.Kind {
			*f = Feature{Kind: kind}
		}
		switch kind {
		case KindBytes:
			f.Bytes, err = appendBytes(f.Bytes, fld.val, false)
		case KindFloat:
			f.Floats, err = appendFloats(f.Floats, fld.val)
		case KindInt64:
			f.Int64s, err = appendInt64s(f.Int64s, fld.val)
		}
		if err != nil {
			return fmt.Errorf("%v: %w", kind, err)
		}
	}
	return nil
}
