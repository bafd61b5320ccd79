package example

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func marshal(t testing.TB, fs Features) []byte {
	t.Helper()
	b, err := (&Example{Features: fs}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseFixedLen(t *testing.T) {
	img := make([]float32, 6)
	for i := range img {
		img[i] = float32(i)
	}
	spec := Spec{
		"image": FixedLen(KindFloat, 2, 3),
		"label": FixedLen(KindInt64),
		"name":  FixedLen(KindBytes),
		"w":     FixedLen(KindFloat, 3).WithDefault(FloatFeature(0.5)),
		"bias":  FixedLen(KindInt64, 2).WithDefault(Int64Feature(7, 8)),
	}
	in := marshal(t, Features{
		"image":  FloatFeature(img...),
		"label":  Int64Feature(4),
		"name":   StringFeature("cat"),
		"unused": StringFeature("skipped"),
	})
	b, err := Parse(in, spec)
	if err != nil {
		t.Fatal(err)
	}
	if v := b.Get("image"); !slices.Equal(v.Floats, img) || !slices.Equal(v.DenseShape(), []int{1, 2, 3}) {
		t.Errorf("image: %v, shape %v", v.Floats, v.DenseShape())
	}
	if v := b.Get("label"); !slices.Equal(v.Int64s, []int64{4}) || !slices.Equal(v.DenseShape(), []int{1}) {
		t.Errorf("label: %v, shape %v", v.Int64s, v.DenseShape())
	}
	if v := b.Get("name"); len(v.Bytes) != 1 || string(v.Bytes[0]) != "cat" {
		t.Errorf("name: %q", v.Bytes)
	}
	if v := b.Get("w"); !slices.Equal(v.Floats, []float32{0.5, 0.5, 0.5}) {
		t.Errorf("broadcast default: %v", v.Floats)
	}
	if v := b.Get("bias"); !slices.Equal(v.Int64s, []int64{7, 8}) {
		t.Errorf("default: %v", v.Int64s)
	}
	if b.Get("unused") != nil || b.Len() != 1 {
		t.Errorf("Get(unused) = %v, Len = %d", b.Get("unused"), b.Len())
	}
}

func TestParseErrors(t *testing.T) {
	in := marshal(t, Features{
		"image": FloatFeature(make([]float32, 10)...),
		"label": Int64Feature(1),
		"none":  {},
		"empty": {Kind: KindFloat},
		"seq":   FloatFeature(1, 2, 3, 4, 5),
	})
	tests := []struct {
		spec FeatureSpec
		key  string
		want string
	}{
		{FixedLen(KindFloat, 28, 28), "image", `example: feature "image": want 784 floats, got 10`},
		{FixedLen(KindFloat), "label", `example: feature "label": want float_list, got int64_list`},
		{VarLen(KindBytes), "image", `example: feature "image": want bytes_list, got float_list`},
		{FixedLen(KindInt64), "missing", `example: feature "missing": required but missing`},
		{FixedLenSequence(KindInt64), "missing", `example: feature "missing": required but missing (a FixedLenSequence feature without AllowMissing)`},
		{FixedLen(KindInt64), "none", `example: feature "none": want 1 int64s, got 0`},
		{FixedLen(KindFloat, 2), "empty", `example: feature "empty": want 2 floats, got 0`},
		{FixedLen(KindFloat, 2).WithDefault(FloatFeature(1, 2)), "empty", `example: feature "empty": want 2 floats, got 0`},
		{FixedLenSequence(KindFloat, 2), "seq", `example: feature "seq": got 5 floats, not a whole number of rows of 2`},
	}
	for _, tt := range tests {
		_, err := Parse(in, Spec{tt.key: tt.spec})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s %+v: error %v, want %q", tt.key, tt.spec, err, tt.want)
		}
	}
}

func TestSpecErrors(t *testing.T) {
	tests := []struct {
		spec FeatureSpec
		want string
	}{
		{FixedLen(KindNone), "kind none, want bytes_list, float_list or int64_list"},
		{FeatureSpec{Kind: KindFloat}, "unknown layout Layout(0)"},
		{FeatureSpec{Layout: LayoutVarLen, Kind: KindFloat, Shape: []int{2}}, "a VarLen feature has no shape"},
		{FixedLen(KindFloat, 2, -1), "shape [2 -1] has a negative dimension"},
		{FixedLen(KindFloat, 1<<30, 1<<30), "shape [1073741824 1073741824] is too large"},
		{FixedLen(KindFloat, 3).WithDefault(Int64Feature(1)), "default is a int64_list, want float_list"},
		{FixedLen(KindFloat, 3).WithDefault(FloatFeature(1, 2)), "default has 2 floats, want 3 or 1"},
		{FeatureSpec{Layout: LayoutVarLen, Kind: KindFloat, Default: &Feature{Kind: KindFloat}}, "a VarLen feature has no default"},
	}
	for _, tt := range tests {
		_, err := NewParser(Spec{"k": tt.spec})
		if want := `example: spec of feature "k": ` + tt.want; err == nil || err.Error() != want {
			t.Errorf("%+v: error %v, want %q", tt.spec, err, want)
		}
	}
	if _, err := NewSequenceParser(Spec{"c": FixedLenSequence(KindFloat)}, nil); err == nil ||
		err.Error() != `example: spec of feature "c": a context feature is FixedLen or VarLen, not FixedLenSequence` {
		t.Errorf("context FixedLenSequence: %v", err)
	}
	if _, err := NewSequenceParser(nil, Spec{"s": FixedLen(KindFloat)}); err == nil ||
		err.Error() != `example: spec of feature "s": a sequence feature is FixedLenSequence or VarLen, not FixedLen` {
		t.Errorf("sequence FixedLen: %v", err)
	}
}

// TestParseBatch parses several examples into one batch, with VarLen and
// FixedLenSequence features, into caller-provided memory, and checks that a
// failing example leaves the batch as it was.
func TestParseBatch(t *testing.T) {
	p, err := NewParser(Spec{
		"x":     FixedLen(KindFloat, 2),
		"tags":  VarLen(KindBytes),
		"ids":   VarLen(KindInt64),
		"boxes": FixedLenSequence(KindFloat, 4).WithAllowMissing(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Keys(); strings.Join(got, ",") != "boxes,ids,tags,x" {
		t.Errorf("Keys = %q", got)
	}
	b := p.NewBatch()
	mine := make([]float32, 0, 6)
	b.Get("x").Floats = mine
	examples := []Features{
		{"x": FloatFeature(1, 2), "tags": StringFeature("a", "b"), "ids": Int64Feature(10), "boxes": FloatFeature(0, 0, 1, 1)},
		{"x": FloatFeature(3, 4), "ids": Int64Feature(), "boxes": FloatFeature(0, 0, 1, 1, 2, 2, 3, 3)},
		{"x": FloatFeature(5, 6), "tags": StringFeature("c"), "ids": Int64Feature(20, 30, 40)},
	}
	for i, fs := range examples {
		if err := p.Append(b, marshal(t, fs)); err != nil {
			t.Fatalf("example %d: %v", i, err)
		}
		// A bad example in between changes nothing.
		bad := marshal(t, Features{"x": FloatFeature(9, 9), "tags": StringFeature("zzz"), "ids": Int64Feature(9), "boxes": FloatFeature(1)})
		if err := p.Append(b, bad); err == nil {
			t.Fatal("bad example parsed")
		}
	}
	if b.Len() != 3 {
		t.Errorf("Len = %d", b.Len())
	}
	x := b.Get("x")
	if !slices.Equal(x.Floats, []float32{1, 2, 3, 4, 5, 6}) || &x.Floats[0] != &mine[:1][0] {
		t.Errorf("x: %v (in the caller's slice: %v)", x.Floats, &x.Floats[0] == &mine[:1][0])
	}
	tags := b.Get("tags")
	if fmt.Sprintf("%s", tags.Bytes) != "[a b c]" || !slices.Equal(tags.Lengths, []int{2, 0, 1}) {
		t.Errorf("tags: %s %v", tags.Bytes, tags.Lengths)
	}
	if !slices.Equal(tags.DenseShape(), []int{3, 2}) || !slices.Equal(tags.SparseIndices(), []int64{0, 0, 0, 1, 2, 0}) {
		t.Errorf("tags: shape %v indices %v", tags.DenseShape(), tags.SparseIndices())
	}
	ids := b.Get("ids")
	if !slices.Equal(ids.Int64s, []int64{10, 20, 30, 40}) || !slices.Equal(ids.Lengths, []int{1, 0, 3}) {
		t.Errorf("ids: %v %v", ids.Int64s, ids.Lengths)
	}
	boxes := b.Get("boxes")
	if len(boxes.Floats) != 12 || !slices.Equal(boxes.Lengths, []int{1, 2, 0}) || !slices.Equal(boxes.DenseShape(), []int{3, 2, 4}) {
		t.Errorf("boxes: %v %v %v", boxes.Floats, boxes.Lengths, boxes.DenseShape())
	}

	b.Reset()
	if b.Len() != 0 || len(b.Get("x").Floats) != 0 || b.Get("tags").Len() != 0 {
		t.Error("Reset left values")
	}
	// Parsing into a reset batch allocates nothing for numeric features.
	in := marshal(t, examples[1])
	allocs := testing.AllocsPerRun(100, func() {
		b.Reset()
		if err := p.Append(b, in); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Append into a reset batch allocates %v times", allocs)
	}

	other, _ := NewParser(Spec{})
	if err := other.Append(b, in); err == nil || err.Error() != "example: batch belongs to another parser" {
		t.Errorf("foreign batch: %v", err)
	}
}

// TestParseAgreesWithUnmarshal checks on every fixture that a VarLen parse
// of each feature gives the values Unmarshal decodes, including the merge
// rules of merged.in.pb.
func TestParseAgreesWithUnmarshal(t *testing.T) {
	for _, name := range []string{"spec.pb", "rich.pb", "unpacked.in.pb", "extended.in.pb", "merged.in.pb"} {
		in := readFixture(t, name)
		var e Example
		if err := e.Unmarshal(in); err != nil {
			t.Fatal(err)
		}
		checkAgrees(t, name, in, e.Features)
	}
}

func checkAgrees(t *testing.T, name string, in []byte, fs Features) {
	t.Helper()
	spec := Spec{}
	for k, f := range fs {
		if f.Kind != KindNone {
			spec[k] = VarLen(f.Kind)
		}
	}
	b, err := Parse(in, spec)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for k := range spec {
		v := b.Get(k)
		got := Feature{Kind: v.spec.Kind, Bytes: v.Bytes, Floats: v.Floats, Int64s: v.Int64s}
		if !got.Equal(fs[k]) || v.Lengths[0] != fs[k].Len() {
			t.Errorf("%s: feature %q: Parse and Unmarshal disagree", name, k)
		}
	}
}

func TestParseMalformed(t *testing.T) {
	spec := Spec{"x": VarLen(KindFloat)}
	bad := mustHex(t, "0a0e"+"0a0c"+"0a0178"+"1207"+"1205"+"0a03000080")
	if _, err := Parse(bad, spec); err == nil || err.Error() != `example: feature "x": float_list: packed floats length is not a multiple of 4` {
		t.Errorf("bad floats: %v", err)
	}
	_, err := Parse([]byte{0x0a, 0x05, 0x0a}, spec)
	if err == nil || !strings.HasPrefix(err.Error(), "example: malformed Example: ") {
		t.Errorf("truncated: %v", err)
	}
	// A malformed feature that the spec does not ask for is skipped whole.
	if _, err := Parse(bad, Spec{"y": VarLen(KindFloat)}); err != nil {
		t.Errorf("unasked malformed feature: %v", err)
	}
}

func TestParseSequence(t *testing.T) {
	in := readFixture(t, "sequence.pb")
	ctx, seq, err := ParseSequence(in,
		Spec{"id": FixedLen(KindBytes), "len": FixedLen(KindInt64), "extra": VarLen(KindFloat)},
		Spec{
			"frames":  FixedLenSequence(KindFloat, 2),
			"tokens":  VarLen(KindInt64),
			"empty":   FixedLenSequence(KindInt64),
			"missing": FixedLenSequence(KindFloat).WithAllowMissing(),
		})
	if err != nil {
		t.Fatal(err)
	}
	if string(ctx.Get("id").Bytes[0]) != "seq-1" || ctx.Get("len").Int64s[0] != 3 || ctx.Get("extra").Lengths[0] != 0 {
		t.Errorf("context: %+v", ctx.values)
	}
	frames := seq.Get("frames")
	if !slices.Equal(frames.Floats, []float32{1, 2, 3, 4, 5, 6}) || !slices.Equal(frames.DenseShape(), []int{1, 3, 2}) {
		t.Errorf("frames: %v %v", frames.Floats, frames.DenseShape())
	}
	tokens := seq.Get("tokens")
	if !slices.Equal(tokens.Int64s, []int64{1, 2, 3}) || !slices.Equal(tokens.Lengths, []int{3}) ||
		!slices.Equal(tokens.RowLengths, []int{1, 2, 0}) || !slices.Equal(tokens.DenseShape(), []int{1, 3, 2}) {
		t.Errorf("tokens: %v %v %v %v", tokens.Int64s, tokens.Lengths, tokens.RowLengths, tokens.DenseShape())
	}
	if got := tokens.SparseIndices(); !slices.Equal(got, []int64{0, 0, 0, 0, 1, 0, 0, 1, 1}) {
		t.Errorf("tokens indices: %v", got)
	}
	if seq.Get("empty").Lengths[0] != 0 || seq.Get("missing").Lengths[0] != 0 {
		t.Error("empty or missing lists have steps")
	}

	tests := []struct {
		ctx, seq Spec
		want     string
	}{
		{nil, Spec{"frames": FixedLenSequence(KindFloat, 3)}, `example: feature list "frames" step 0: want 3 floats, got 2`},
		{nil, Spec{"tokens": FixedLenSequence(KindInt64)}, `example: feature list "tokens" step 1: want 1 int64s, got 2`},
		{nil, Spec{"frames": VarLen(KindInt64)}, `example: feature list "frames" step 0: want int64_list, got float_list`},
		{nil, Spec{"gone": FixedLenSequence(KindInt64)}, `example: feature list "gone": required but missing (a FixedLenSequence feature without AllowMissing)`},
		{Spec{"id": FixedLen(KindInt64)}, nil, `example: feature "id": want int64_list, got bytes_list`},
	}
	for _, tt := range tests {
		p, err := NewSequenceParser(tt.ctx, tt.seq)
		if err != nil {
			t.Fatal(err)
		}
		c, s := p.NewBatches()
		if err := p.Append(c, s, in); err == nil || err.Error() != tt.want {
			t.Errorf("error %v, want %q", err, tt.want)
		}
		if c.Len() != 0 || s.Len() != 0 {
			t.Error("failed Append changed the batches")
		}
	}
	p, _ := NewSequenceParser(nil, nil)
	c, s := p.NewBatches()
	if err := p.Append(s, c, in); err == nil {
		t.Error("swapped batches accepted")
	}
	if err := p.Append(c, s, []byte{0x12, 0x01}); !errors.Is(err, errors.Unwrap(err)) || !strings.HasPrefix(err.Error(), "example: malformed SequenceExample: ") {
		t.Errorf("truncated: %v", err)
	}
}
