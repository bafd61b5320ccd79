package example

import (
	"bytes"
	"fmt"
	"testing"
)

// batchState formats what b holds, for comparing two batches.
func batchState(b *Batch) string {
	var s string
	for i := range b.values {
		v := &b.values[i]
		s += fmt.Sprintf("%s: %v %v %q %v; ", v.key, v.Floats, v.Int64s, v.Bytes, v.Lengths)
	}
	return fmt.Sprint(b.n, " ", s)
}

// TestLayoutSameAsGeneral parses records after one whose layout a batch noted, with
// the layout fast path and without it: records of the same layout and other values,
// records whose int64 bytes decode to another count, records of other layouts, and
// every byte of the first record damaged in several ways. Results and errors must be
// the same, and the fast path must be taken where the layout is the same.
func TestLayoutSameAsGeneral(t *testing.T) {
	spec := Spec{
		"image": FixedLen(KindFloat, 3),
		"label": FixedLen(KindInt64),
		"pair":  FixedLen(KindInt64, 2),
	}
	p, err := NewParser(spec)
	if err != nil {
		t.Fatal(err)
	}
	rec := func(img []float32, label int64, pair []int64, id string) []byte {
		return marshal(t, Features{"image": FloatFeature(img...), "label": Int64Feature(label), "pair": Int64Feature(pair...), "id": StringFeature(id)})
	}
	base := rec([]float32{1, 2, 3}, 7, []int64{1, 300}, "abc")
	same := [][]byte{
		rec([]float32{4, 5, -6}, 9, []int64{300, 1}, "xyz"), // other values, other id
		rec([]float32{0, 0, 0}, 127, []int64{200, 2}, "abc"),
	}
	others := [][]byte{
		rec([]float32{1, 2, 3}, 7, []int64{1, 1, 1}, "abc"),  // the same layout, but 3 int64s
		rec([]float32{1, 2, 3}, 7, []int64{1 << 14, 1}, "a"), // another length
		rec([]float32{1, 2}, 7, []int64{1, 300}, "abc"),
		marshal(t, Features{"image": FloatFeature(1, 2, 3), "label": Int64Feature(7), "pair": Int64Feature(1, 300)}),
		marshal(t, Features{"image": FloatFeature(1, 2, 3), "pair": Int64Feature(1, 300), "id": StringFeature("abcdefgh")}),
		nil,
	}
	var damaged [][]byte
	for i := range base {
		for _, x := range []byte{1, 0x7f, 0x80, 0xff} {
			d := bytes.Clone(base)
			d[i] ^= x
			damaged = append(damaged, d)
		}
	}
	// check compares the two paths on r and returns whether the fast one was taken,
	// failing unless that is want (when not nil).
	check := func(r []byte, want *bool) bool {
		t.Helper()
		fast, slow := p.NewBatch(), p.NewBatch()
		slow.lay.off = true
		for _, b := range []*Batch{fast, slow} {
			if err := p.Append(b, base); err != nil {
				t.Fatal(err)
			}
		}
		if fast.lay.size != len(base) || len(fast.lay.spans) != 4 {
			t.Fatalf("base layout not noted: %+v", fast.lay)
		}
		ef, es := p.Append(fast, r), p.Append(slow, r)
		if fmt.Sprint(ef) != fmt.Sprint(es) {
			t.Fatalf("record %x: error %v, want %v", r, ef, es)
		}
		if g, w := batchState(fast), batchState(slow); g != w {
			t.Fatalf("record %x:\n%s\nwant\n%s", r, g, w)
		}
		took := fast.lay.fails == 0 && fast.n == 2
		if want != nil && took != *want {
			t.Errorf("record %x: fast path %v, want %v", r, took, *want)
		}
		return took
	}
	yes, no := true, false
	for _, r := range same {
		check(r, &yes)
	}
	for _, r := range others {
		check(r, &no)
	}
	n := 0
	for _, r := range damaged {
		if check(r, nil) {
			n++
		}
	}
	// Damage to the 12 bytes of floats and the 3 of the id keeps the layout.
	if n < 4*(12+3) {
		t.Errorf("%d damaged records took the fast path", n)
	}
}

// checkLayout parses in, then in again and in with each byte damaged in turn, with
// the layout fast path and without it: results and errors must be the same.
func checkLayout(t *testing.T, in []byte, spec Spec) {
	t.Helper()
	p, err := NewParser(spec)
	if err != nil {
		t.Fatal(err)
	}
	recs := [][]byte{in, in}
	for i := range in {
		d := bytes.Clone(in)
		d[i] ^= 0x5a
		recs = append(recs, d)
	}
	fast, slow := p.NewBatch(), p.NewBatch()
	slow.lay.off = true
	for _, r := range recs {
		ef, es := p.Append(fast, r), p.Append(slow, r)
		if fmt.Sprint(ef) != fmt.Sprint(es) {
			t.Fatalf("record %x: error %v, want %v", r, ef, es)
		}
		if g, w := batchState(fast), batchState(slow); g != w {
			t.Fatalf("record %x:\n%s\nwant\n%s", r, g, w)
		}
		if fast.lay.off {
			fast.lay.off, fast.lay.fails = false, 0 // keep trying
		}
	}
}
