package data

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tideml/tide/io/example"
	"github.com/tideml/tide/io/tfrecord"
	"github.com/tideml/tide/tensor"
)

// passLog runs a pass and returns each element, or error, as text.
func passLog(t *testing.T, d *Dataset) []string {
	t.Helper()
	var out []string
	for e, err := range d.All(context.Background()) {
		if err != nil {
			out = append(out, "error: "+err.Error())
			continue
		}
		out = append(out, fmt.Sprint(e))
	}
	return out
}

// general hides that d reads TFRecord files, so that ParseExampleBatch takes the
// element-by-element path.
func general(d *Dataset) *Dataset {
	return d.Map(func(e Element) (Element, error) { return e, nil }, OutputSpec(d.Spec()))
}

// TestParseExampleBatchChunked checks that parsing batches of TFRecord files read by
// chunks gives, element for element and error for error, what parsing the records as
// elements gives: batches that span files, a last short batch, damaged, cut and
// missing files, records that do not parse, and every kind of parallelism.
func TestParseExampleBatchChunked(t *testing.T) {
	dir := t.TempDir()
	recs := exampleRecords(t, 23)
	var framed []byte
	var offsets []int
	for _, r := range recs {
		offsets = append(offsets, len(framed))
		framed = tfrecord.AppendRecord(framed, r)
	}
	write := func(name string, b []byte) string { return writeFile(t, filepath.Join(dir, name), string(b)) }
	good := write("good.tfrecord", framed)
	short := write("short.tfrecord", framed[:offsets[5]])
	damaged := slices.Clone(framed)
	damaged[offsets[9]+20] ^= 0xff
	bad := write("bad.tfrecord", damaged)
	cut := write("cut.tfrecord", framed[:offsets[14]+7])
	badCut := write("badcut.tfrecord", damaged[:offsets[14]+7]) // damaged, then cut
	empty := write("empty.tfrecord", nil)
	gz := filepath.Join(dir, "good.tfrecord.gz")
	if err := tfrecord.WriteFile(gz, recs, tfrecord.WithCompression(tfrecord.GZIP)); err != nil {
		t.Fatal(err)
	}
	// A record whose "x" has the wrong length, between good ones.
	odd := example.Example{Features: example.Features{"x": example.FloatFeature(1, 2, 3), "label": example.Int64Feature(1)}}
	oddRec, _ := odd.Marshal()
	mixed := write("mixed.tfrecord", tfrecord.AppendRecord(slices.Clone(framed[:offsets[6]]), oddRec))

	spec := example.Spec{
		"x":     example.FixedLen(example.KindFloat, 2, 2),
		"label": example.FixedLen(example.KindInt64),
		"ids":   example.VarLen(example.KindInt64),
	}
	fileSets := map[string][]string{
		"one":       {good},
		"spanning":  {short, good, short, empty, short},
		"damaged":   {short, bad, good},
		"cut":       {good, cut, short},
		"badcut":    {short, badCut, good},
		"twobad":    {bad, short, bad, short},
		"missing":   {short, filepath.Join(dir, "nope.tfrecord"), good},
		"unparsed":  {mixed, good},
		"gzip":      {short, gz},
		"emptyonly": {empty},
	}
	optSets := map[string][]Option{
		"sequential": nil,
		"parallel-2": {Parallel(2)},
		"autotune":   {Parallel(Autotune), Buffer(1)},
		"drop":       {DropRemainder(), Parallel(3)},
	}
	for fname, files := range fileSets {
		for oname, opts := range optSets {
			for _, n := range []int{1, 4, 7, 64} {
				t.Run(fmt.Sprintf("%s/%s/n=%d", fname, oname, n), func(t *testing.T) {
					c := tfrecord.None
					if fname == "gzip" {
						c = tfrecord.GZIP
					}
					src := TFRecord(files, Compression(c))
					if src.files == nil {
						t.Fatal("a sequential TFRecord dataset does not take the chunked path")
					}
					got := src.ParseExampleBatch(n, spec, opts...)
					want := general(src).ParseExampleBatch(n, spec, opts...)
					if got.Spec().String() != want.Spec().String() || got.Cardinality() != want.Cardinality() {
						t.Errorf("spec %v card %d, want %v card %d", got.Spec(), got.Cardinality(), want.Spec(), want.Cardinality())
					}
					g, w := passLog(t, got), passLog(t, want)
					if strings.Join(g, "\n") != strings.Join(w, "\n") {
						t.Fatalf("chunked:\n%s\nelement by element:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
					}
				})
			}
		}
	}
}

// TestParseExampleBatchChunkedStops checks that stopping early and cancelling end every
// goroutine, and that a pass can be repeated.
func TestParseExampleBatchChunkedStops(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.tfrecord")
	if err := tfrecord.WriteFile(p, exampleRecords(t, 200)); err != nil {
		t.Fatal(err)
	}
	spec := example.Spec{"x": example.FixedLen(example.KindFloat, 4), "label": example.FixedLen(example.KindInt64)}
	for _, opts := range [][]Option{nil, {Parallel(2)}, {Parallel(4), Deterministic(false)}} {
		done := noLeak(t)
		ds := TFRecord([]string{p}).ParseExampleBatch(8, spec, opts...).Prefetch(2)
		for range ds.All(context.Background()) {
			break
		}
		ctx, cancel := context.WithCancel(context.Background())
		n, errs := 0, 0
		for _, err := range ds.All(ctx) {
			if err != nil {
				errs++
				continue
			}
			if n++; n == 3 {
				cancel()
			}
		}
		cancel()
		if errs != 1 || n > 25 {
			t.Errorf("%v: cancelled pass gave %d batches and %d errors", opts, n, errs)
		}
		total := 0
		for e, err := range ds.All(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			total += e.Get("label").Dim(0)
		}
		if total != 200 {
			t.Errorf("%v: %d records", opts, total)
		}
		done()
	}
}

// TestParseExampleBatchOwnsMemory checks that batches do not share memory: each stays
// as it was while later ones are parsed.
func TestParseExampleBatchOwnsMemory(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.tfrecord")
	if err := tfrecord.WriteFile(p, exampleRecords(t, 100)); err != nil {
		t.Fatal(err)
	}
	spec := example.Spec{"x": example.FixedLen(example.KindFloat, 4), "label": example.FixedLen(example.KindInt64), "ids": example.VarLen(example.KindInt64)}
	for _, opts := range [][]Option{nil, {Parallel(2)}} {
		var kept []Element
		var when []string
		for e, err := range TFRecord([]string{p}).ParseExampleBatch(3, spec, opts...).All(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			kept, when = append(kept, e), append(when, fmt.Sprint(e))
		}
		for i, e := range kept {
			if fmt.Sprint(e) != when[i] {
				t.Fatalf("%v: batch %d changed after later batches were parsed", opts, i)
			}
		}
	}
}

// TestElementRelease checks the recycling of batch memory: a released batch's memory
// goes to later batches, a batch that is kept is never overwritten whatever is
// released around it, releasing twice (or a copy) does nothing more, and a cache hands
// out elements that cannot be released.
func TestElementRelease(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.tfrecord")
	if err := tfrecord.WriteFile(p, exampleRecords(t, 200)); err != nil {
		t.Fatal(err)
	}
	spec := example.Spec{"x": example.FixedLen(example.KindFloat, 4), "label": example.FixedLen(example.KindInt64), "ids": example.VarLen(example.KindInt64)}
	mem := func(e Element) *float32 { return &tensor.Data[float32](e.Get("x"))[0] }
	for _, opts := range [][]Option{nil, {Parallel(2)}, {Parallel(3), Deterministic(false)}} {
		ds := TFRecord([]string{p}).ParseExampleBatch(3, spec, opts...)
		var want []string
		for e, err := range ds.All(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, fmt.Sprint(e))
		}
		var kept []Element
		var got []string
		released := map[*float32]bool{}
		reused := 0
		for e, err := range ds.All(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprint(e))
			if released[mem(e)] {
				reused++
			}
			for _, k := range kept {
				if mem(k) == mem(e) {
					t.Fatalf("%v: a new batch uses the memory of a kept one", opts)
				}
			}
			if len(got)%3 == 0 {
				kept = append(kept, e) // never released
				continue
			}
			released[mem(e)] = true
			cp := e
			e.Release()
			e.Release()
			cp.Release()
		}
		if !slices.Equal(sortedCopy(got), sortedCopy(want)) {
			t.Fatalf("%v: batches differ when released", opts)
		}
		for _, k := range kept {
			if !slices.Contains(want, fmt.Sprint(k)) {
				t.Fatalf("%v: a kept batch changed: %v", opts, k)
			}
		}
		if reused == 0 {
			t.Errorf("%v: no released memory was reused", opts)
		}
	}

	// Releasing what a cache hands out must not change what it hands out next.
	ds := TFRecord([]string{p}).ParseExampleBatch(7, spec, Parallel(2)).Cache("")
	var first []string
	for range 3 {
		var pass []string
		for e, err := range ds.All(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			pass = append(pass, fmt.Sprint(e))
			e.Release()
		}
		if first == nil {
			first = pass
		} else if !slices.Equal(pass, first) {
			t.Fatal("a cached pass changed after its elements were released")
		}
	}
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
