package example

import (
	"bytes"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const specHex = "0a330a0e0a056c6162656c12051a030a01030a0e0a046e616d6512060a040a0261620a110a0178120c120a0a080000803f00000040"

func specValue() *Example {
	return &Example{Features: Features{
		"label": Int64Feature(3),
		"name":  StringFeature("ab"),
		"x":     FloatFeature(1, 2),
	}}
}

// richValue is the Example that testdata/gen.py calls rich.
func richValue() *Example {
	b200 := make([]byte, 200)
	for i := range b200 {
		b200[i] = byte(i)
	}
	many := make([]float32, 5000)
	for i := range many {
		many[i] = float32(i) * 0.5
	}
	return &Example{Features: Features{
		"bytes":       BytesFeature([]byte{}, []byte("a"), b200),
		"empty_bytes": {Kind: KindBytes},
		"empty_float": {Kind: KindFloat},
		"empty_int":   {Kind: KindInt64},
		"none":        {},
		"floats": FloatFeature(0, float32(math.Copysign(0, -1)), 1.5, -2.25, float32(math.Inf(1)), float32(math.Inf(-1)),
			math.MaxFloat32, math.SmallestNonzeroFloat32, math.Float32frombits(0x7fc00000)),
		"ints":    Int64Feature(0, 1, -1, 127, 128, -128, math.MaxInt64, math.MinInt64, 300),
		"":        Int64Feature(5),
		"ünïcödé": StringFeature("héllo"),
		"many":    FloatFeature(many...),
	}}
}

// sequenceValue is the SequenceExample that testdata/gen.py calls sequence.
func sequenceValue() *SequenceExample {
	return &SequenceExample{
		Context: Features{"id": StringFeature("seq-1"), "len": Int64Feature(3)},
		FeatureLists: FeatureLists{
			"frames": {FloatFeature(1, 2), FloatFeature(3, 4), FloatFeature(5, 6)},
			"tokens": {Int64Feature(1), Int64Feature(2, 3), {Kind: KindInt64}},
			"empty":  {},
		},
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSpecVector(t *testing.T) {
	got, err := specValue().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != specHex {
		t.Errorf("Marshal = %x\nwant      %s", got, specHex)
	}
	if want := readFixture(t, "spec.pb"); !bytes.Equal(got, want) {
		t.Errorf("Marshal differs from testdata/spec.pb")
	}
	var e Example
	if err := e.Unmarshal(got); err != nil {
		t.Fatal(err)
	}
	if !e.Features.Equal(specValue().Features) {
		t.Errorf("Unmarshal = %v", e)
	}
}

func TestInt64ListVector(t *testing.T) {
	// Int64List{value: -1} packed is 0a0a ffffffffffffffffff01: the list
	// message inside a Feature.
	f := Int64Feature(-1)
	got := appendFeature(nil, &f)
	if want := "1a0c" + "0a0affffffffffffffffff01"; hex.EncodeToString(got) != want {
		t.Errorf("Feature{int64_list{-1}} = %x, want %s", got, want)
	}
}

func TestMarshalFixtures(t *testing.T) {
	got, err := richValue().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, readFixture(t, "rich.pb")) {
		t.Error("Marshal of the rich Example differs from testdata/rich.pb")
	}
	got, err = sequenceValue().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, readFixture(t, "sequence.pb")) {
		t.Errorf("Marshal of the SequenceExample = %x\nwant %x", got, readFixture(t, "sequence.pb"))
	}
}

// TestCanonicalFixtures decodes every NAME.in.pb and checks that encoding it
// again gives protobuf's own canonical NAME.pb byte for byte.
func TestCanonicalFixtures(t *testing.T) {
	ins, _ := filepath.Glob("testdata/*.in.pb")
	if len(ins) < 9 {
		t.Fatalf("found %d fixtures", len(ins))
	}
	for _, in := range ins {
		name := strings.TrimSuffix(filepath.Base(in), ".in.pb")
		t.Run(name, func(t *testing.T) {
			input, want := readFixture(t, name+".in.pb"), readFixture(t, name+".pb")
			var got []byte
			var err error
			if strings.Contains(name, "sequence") {
				var s SequenceExample
				if err := s.Unmarshal(input); err != nil {
					t.Fatal(err)
				}
				got, err = s.Marshal()
			} else {
				var e Example
				if err := e.Unmarshal(input); err != nil {
					t.Fatal(err)
				}
				got, err = e.Marshal()
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("re-encoded = %x\nwant         %x", got, want)
			}
		})
	}
}

func TestUnmarshalValues(t *testing.T) {
	for _, name := range []string{"rich.pb", "unpacked.in.pb", "extended.in.pb"} {
		var e Example
		if err := e.Unmarshal(readFixture(t, name)); err != nil {
			t.Fatal(err)
		}
		if !e.Features.Equal(richValue().Features) {
			t.Errorf("%s: decoded value differs", name)
		}
	}

	var s SequenceExample
	if err := s.Unmarshal(readFixture(t, "sequence.pb")); err != nil {
		t.Fatal(err)
	}
	want := sequenceValue()
	if !s.Context.Equal(want.Context) || !s.FeatureLists.Equal(want.FeatureLists) {
		t.Errorf("sequence: %+v", s)
	}

	// The merge rules, as protobuf applies them.
	var m Example
	if err := m.Unmarshal(readFixture(t, "merged.in.pb")); err != nil {
		t.Fatal(err)
	}
	wantMerged := Features{
		"":           Int64Feature(6),       // an entry without a key
		"m":          FloatFeature(1, 2, 3), // two Feature messages merged
		"o":          Int64Feature(4),       // a later oneof member wins
		"mf":         FloatFeature(1, 2, 3, 4),
		"mi":         Int64Feature(7, 8, 255, -9),
		"nokey_next": Int64Feature(1),
		"x":          Int64Feature(5), // the last entry of a key wins
		"y":          Int64Feature(2),
	}
	if !m.Features.Equal(wantMerged) {
		t.Errorf("merged: %+v", m.Features)
	}
}

func TestPresence(t *testing.T) {
	var e Example
	if err := e.Unmarshal(nil); err != nil || e.Features != nil {
		t.Errorf("empty input: %+v, %v", e, err)
	}
	if b, _ := e.Marshal(); len(b) != 0 {
		t.Errorf("Example{} = %x", b)
	}
	if err := e.Unmarshal([]byte{0x0a, 0x00}); err != nil || e.Features == nil || len(e.Features) != 0 {
		t.Errorf("empty features: %+v, %v", e, err)
	}
	if b, _ := (&Example{Features: Features{}}).Marshal(); hex.EncodeToString(b) != "0a00" {
		t.Errorf("Example{Features: {}} = %x", b)
	}
	s := SequenceExample{Context: Features{}, FeatureLists: FeatureLists{}}
	if b, _ := s.Marshal(); hex.EncodeToString(b) != "0a001200" {
		t.Errorf("empty SequenceExample parts = %x", b)
	}
	// Unmarshal replaces what was there.
	e = *specValue()
	if err := e.Unmarshal(nil); err != nil || e.Features != nil {
		t.Errorf("Unmarshal kept old features: %+v", e)
	}
}

func TestMarshalErrors(t *testing.T) {
	tests := []struct {
		f    Feature
		want string
	}{
		{Feature{Floats: []float32{1}}, `example: feature "k": kind none but 1 floats set`},
		{Feature{Kind: KindInt64, Floats: []float32{1, 2}}, `example: feature "k": kind int64_list but 2 floats set`},
		{Feature{Kind: KindFloat, Bytes: [][]byte{nil}}, `example: feature "k": kind float_list but 1 byte strings set`},
		{Feature{Kind: 9}, `example: feature "k": unknown kind Kind(9)`},
	}
	for _, tt := range tests {
		dst := []byte("prefix")
		got, err := (&Example{Features: Features{"k": tt.f}}).AppendMarshal(dst)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%+v: error %v, want %q", tt.f, err, tt.want)
		}
		if string(got) != "prefix" {
			t.Errorf("%+v: dst changed on error: %q", tt.f, got)
		}
	}
	s := SequenceExample{FeatureLists: FeatureLists{"f": {FloatFeature(1), {Kind: KindBytes, Int64s: []int64{1}}}}}
	if _, err := s.Marshal(); err == nil || err.Error() != `example: feature list "f" step 1: kind bytes_list but 1 int64s set` {
		t.Errorf("sequence: %v", err)
	}
}

func TestAppendMarshal(t *testing.T) {
	dst := []byte{0xff}
	got, err := specValue().AppendMarshal(dst)
	if err != nil || hex.EncodeToString(got) != "ff"+specHex {
		t.Errorf("AppendMarshal = %x, %v", got, err)
	}
	// Reusing a buffer allocates only the sorted keys.
	buf := make([]byte, 0, 1024)
	e := richValue()
	allocs := testing.AllocsPerRun(10, func() {
		var err error
		if buf, err = e.AppendMarshal(buf[:0]); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 2 {
		t.Errorf("AppendMarshal into a large enough buffer allocates %v times", allocs)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	spec, _ := hex.DecodeString(specHex)
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"truncated", spec[:20], "example: malformed Example: unexpected EOF"},
		{"bad float length", mustHex(t, "0a0e"+"0a0c"+"0a0178"+"1207"+"1205"+"0a03000080"), `example: malformed Example: feature "x": float_list: packed floats length is not a multiple of 4`},
		{"bad varint", mustHex(t, "0a11"+"0a0f"+"0a0178"+"120a"+"1a08"+"0a06ffffffffffff"), `example: malformed Example: feature "x": int64_list: unexpected EOF`},
		{"bad entry", mustHex(t, "0a04"+"0a02"+"0a05"), `example: malformed Example: feature entry: unexpected EOF`},
		{"end group", []byte{0x0c}, "example: malformed Example: mismatching end group marker"},
		{"field zero", []byte{0x00}, "example: malformed Example: invalid field number"},
	}
	for _, tt := range tests {
		var e Example
		err := e.Unmarshal(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	var s SequenceExample
	in := mustHex(t, "1209"+"0a07"+"0a0166"+"1202"+"0a05")
	if err := s.Unmarshal(in); err == nil || err.Error() != `example: malformed SequenceExample: feature list "f": unexpected EOF` {
		t.Errorf("sequence: %v", err)
	}
}

// TestTruncatedEverywhere decodes every prefix of the fixtures: each must
// decode or fail, never panic.
func TestTruncatedEverywhere(t *testing.T) {
	for _, name := range []string{"spec.pb", "merged.in.pb", "sequence.pb"} {
		b := readFixture(t, name)
		for i := range b {
			var e Example
			e.Unmarshal(b[:i])
			var s SequenceExample
			s.Unmarshal(b[:i])
		}
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
