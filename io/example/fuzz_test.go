package example

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzUnmarshal decodes arbitrary bytes as an Example and as a
// SequenceExample, and parses them with a spec taken from what Unmarshal
// found. Nothing may panic; whatever decodes must re-encode to bytes that
// decode to the same value and re-encode identically; and the Parser must
// agree with Unmarshal.
func FuzzUnmarshal(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.pb")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) < 1024 {
			f.Add(b)
		}
	}
	f.Add(mustHex(f, specHex))
	f.Fuzz(func(t *testing.T, in []byte) {
		var e Example
		if err := e.Unmarshal(in); err == nil {
			out, err := e.Marshal()
			if err != nil {
				t.Fatalf("Marshal of a decoded Example: %v", err)
			}
			var e2 Example
			if err := e2.Unmarshal(out); err != nil {
				t.Fatalf("Unmarshal of re-encoded bytes: %v", err)
			}
			if !e2.Features.Equal(e.Features) || (e2.Features == nil) != (e.Features == nil) {
				t.Fatal("re-encoded Example decodes differently")
			}
			if out2, _ := e2.Marshal(); !bytes.Equal(out, out2) {
				t.Fatal("encoding is not stable")
			}
			checkParse(t, in, e.Features)
		} else if err.Error() == "" {
			t.Fatal("empty error message")
		}

		var s SequenceExample
		if err := s.Unmarshal(in); err == nil {
			out, err := s.Marshal()
			if err != nil {
				t.Fatalf("Marshal of a decoded SequenceExample: %v", err)
			}
			var s2 SequenceExample
			if err := s2.Unmarshal(out); err != nil {
				t.Fatalf("Unmarshal of re-encoded bytes: %v", err)
			}
			if !s2.Context.Equal(s.Context) || !s2.FeatureLists.Equal(s.FeatureLists) {
				t.Fatal("re-encoded SequenceExample decodes differently")
			}
			checkSequenceParse(t, in, &s)
		}
	})
}

// checkParse parses in with a VarLen spec for every feature of fs (and a
// FixedLen one, which must then hold exactly as many values) and compares.
func checkParse(t *testing.T, in []byte, fs Features) {
	spec := Spec{"absent": VarLen(KindFloat)}
	for k, f := range fs {
		if f.Kind != KindNone {
			spec[k] = VarLen(f.Kind)
		}
	}
	b, err := Parse(in, spec)
	if err != nil {
		t.Fatalf("Parse failed where Unmarshal did not: %v", err)
	}
	for k, f := range fs {
		v := b.Get(k)
		if v == nil {
			continue
		}
		got := Feature{Kind: f.Kind, Bytes: v.Bytes, Floats: v.Floats, Int64s: v.Int64s}
		if !got.Equal(f) {
			t.Fatalf("feature %q: Parse and Unmarshal disagree", k)
		}
	}
	fixed := Spec{}
	for k, f := range fs {
		switch f.Kind {
		case KindFloat:
			fixed[k] = FixedLen(KindFloat, len(f.Floats))
		case KindInt64:
			fixed[k] = FixedLen(KindInt64, len(f.Int64s))
		}
	}
	checkLayout(t, in, fixed)
}

func checkSequenceParse(t *testing.T, in []byte, s *SequenceExample) {
	seqSpec := Spec{}
	for k, l := range s.FeatureLists {
		kind := KindNone
		for _, f := range l {
			if f.Kind != KindNone {
				kind = f.Kind
			}
		}
		if kind == KindNone {
			continue
		}
		mixed := false
		for _, f := range l {
			mixed = mixed || (f.Kind != KindNone && f.Kind != kind)
		}
		if !mixed {
			seqSpec[k] = VarLen(kind)
		}
	}
	_, seq, err := ParseSequence(in, nil, seqSpec)
	if err != nil {
		t.Fatalf("ParseSequence failed where Unmarshal did not: %v", err)
	}
	for k := range seqSpec {
		v := seq.Get(k)
		if v.Lengths[0] != len(s.FeatureLists[k]) {
			t.Fatalf("feature list %q: %d steps, Unmarshal found %d", k, v.Lengths[0], len(s.FeatureLists[k]))
		}
		for i, f := range s.FeatureLists[k] {
			if v.RowLengths[i] != f.Len() {
				t.Fatalf("feature list %q step %d: %d values, Unmarshal found %d", k, i, v.RowLengths[i], f.Len())
			}
		}
	}
}
