package data

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

func TestFromTensorSlices(t *testing.T) {
	x := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 3, 2)
	y := i64(7, 8, 9)
	ds := FromTensorSlices(x, y)
	if got := ds.Spec().String(); got != "(float32[2], int64[])" {
		t.Errorf("spec %s", got)
	}
	if ds.Cardinality() != 3 {
		t.Errorf("cardinality %d", ds.Cardinality())
	}
	elems, err := ds.Collect(context.Background())
	if err != nil || len(elems) != 3 {
		t.Fatalf("got %d elements, %v", len(elems), err)
	}
	if !tensor.Equal(elems[2].At(0), tensor.FromSlice([]float32{5, 6})) || elems[2].At(1).Item() != 9 {
		t.Errorf("element 2 = %v", elems[2])
	}
	// The elements are copies: changing the source does not change a second pass.
	tensor.Data[float32](x)[0] = 100
	again, _ := ds.Collect(context.Background())
	if again[0].At(0).At(0) != 1 {
		t.Errorf("element changed with its source")
	}
}

func TestFromTensorSlicesErrors(t *testing.T) {
	ds := FromTensorSlices(i64(1, 2), i64(1, 2, 3))
	if ds.Err() == nil || !strings.Contains(ds.Err().Error(), "3 rows") {
		t.Errorf("Err() = %v", ds.Err())
	}
	// The error survives transforms and is yielded by iteration.
	errs, n := errorsOf(ds.Map(func(e Element) (Element, error) { return e, nil }).Batch(2))
	if n != 0 || len(errs) != 1 || !strings.HasPrefix(errs[0], "data: from tensor slices") {
		t.Errorf("got %v, %d", errs, n)
	}
	if FromTensorSlices(tensor.Scalar(int64(1))).Err() == nil {
		t.Error("scalar slices accepted")
	}
}

func TestNamedSlicesAndSplit(t *testing.T) {
	ds := FromNamedSlices(map[string]*tensor.Tensor{"x": tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2), "label": i64(0, 1)})
	if got := ds.Spec().String(); got != "{label: int64[], x: float32[2]}" {
		t.Errorf("spec %s", got)
	}
	elems, _ := ds.Batch(2).Collect(context.Background())
	x, y := elems[0].Split("label")
	if y == nil || !slices.Equal(y.Int64s(), []int64{0, 1}) || x.Len() != 1 || x.Names[0] != "x" || !x.At(0).Shape().Equal(shape.Of(2, 2)) {
		t.Errorf("split = %v, %v", x, y)
	}
	if elems[0].Get("x") == nil || elems[0].Get("nope") != nil {
		t.Error("Get")
	}
}

func TestRange(t *testing.T) {
	cases := []struct {
		start, stop, step int64
		want              []int64
	}{
		{0, 5, 1, []int64{0, 1, 2, 3, 4}},
		{1, 8, 3, []int64{1, 4, 7}},
		{5, 0, -2, []int64{5, 3, 1}},
		{3, 3, 1, nil},
		{3, 1, 1, nil},
	}
	for _, c := range cases {
		ds := Range(c.start, c.stop, c.step)
		if got := ints(t, ds); !slices.Equal(got, c.want) || ds.Cardinality() != int64(len(c.want)) {
			t.Errorf("Range(%d, %d, %d) = %v (card %d), want %v", c.start, c.stop, c.step, got, ds.Cardinality(), c.want)
		}
	}
	if Range(0, 1, 0).Err() == nil {
		t.Error("step 0 accepted")
	}
}

func TestGenerator(t *testing.T) {
	spec := Spec{Tensors: []TensorSpec{{DType: dtype.Float32, Shape: shape.Shape{shape.Unknown}}}}
	calls := 0
	ds := Generator(spec, func(ctx context.Context) iter.Seq2[Element, error] {
		calls++
		return func(yield func(Element, error) bool) {
			for i := 1; i <= 3; i++ {
				if !yield(Single(tensor.Ones(dtype.Float32, i)), nil) {
					return
				}
			}
			yield(Single(tensor.Ones(dtype.Int64, 1)), nil) // wrong dtype
		}
	})
	errs, n := errorsOf(ds)
	if n != 3 || len(errs) != 1 || !strings.Contains(errs[0], "generator element 3") {
		t.Errorf("got %d elements, errors %v", n, errs)
	}
	errorsOf(ds)
	if calls != 2 {
		t.Errorf("generator called %d times for 2 passes", calls)
	}
}

func TestFromElements(t *testing.T) {
	ds := FromElements(Single(i64(1, 2)), Single(i64(3)))
	if got := ds.Spec().String(); got != "(int64[?])" {
		t.Errorf("spec %s", got)
	}
	if FromElements(Single(i64(1)), Single(tensor.Ones(dtype.Float32, 1))).Err() == nil {
		t.Error("mixed dtypes accepted")
	}
	if got := ints(t, FromTensors(i64(4, 5))); !slices.Equal(got, []int64{4, 5}) {
		t.Errorf("FromTensors = %v", got)
	}
}

func TestMapFilter(t *testing.T) {
	double := func(e Element) (Element, error) {
		return Single(tensor.Scalar(e.Tensor().Int64s()[0] * 2)), nil
	}
	even := func(e Element) (bool, error) { return e.Tensor().Int64s()[0]%2 == 0, nil }
	got := ints(t, Range(0, 10, 1).Filter(even).Map(double))
	if !slices.Equal(got, []int64{0, 4, 8, 12, 16}) {
		t.Errorf("got %v", got)
	}
	spec := Spec{Tensors: []TensorSpec{{DType: dtype.Int64, Shape: shape.Shape{}}}}
	ds := Range(0, 3, 1).Map(double, OutputSpec(spec))
	if ds.Spec().String() != "(int64[])" {
		t.Errorf("spec %v", ds.Spec())
	}
	// A result that does not match the declared spec is an error naming the element.
	bad := Range(0, 3, 1).Map(func(e Element) (Element, error) { return Single(tensor.Ones(dtype.Float32, 2)), nil }, OutputSpec(spec))
	errs, _ := errorsOf(bad)
	if len(errs) != 3 || !strings.Contains(errs[1], "map element 1") {
		t.Errorf("errors %v", errs)
	}
}

func TestMapErrorsAndPanics(t *testing.T) {
	for _, par := range []int{0, 1, 4} {
		ds := Range(0, 6, 1).Map(func(e Element) (Element, error) {
			v := e.Tensor().Int64s()[0]
			switch v {
			case 2:
				return Element{}, errors.New("boom")
			case 4:
				tensor.FromSlice([]int64{1, 2}, 3) // panics with *core.Error
			}
			return e, nil
		}, Parallel(par))
		errs, n := errorsOf(ds)
		if n != 4 || len(errs) != 2 || !strings.Contains(errs[0], "map element 2: boom") || !strings.Contains(errs[1], "map element 4") {
			t.Errorf("parallel %d: %d elements, errors %q", par, n, errs)
		}
		var skipped Skipped
		if got := ints(t, ds.IgnoreErrors(&skipped)); !slices.Equal(got, []int64{0, 1, 3, 5}) || skipped.Count() != 2 || skipped.Last() == nil {
			t.Errorf("parallel %d: IgnoreErrors gave %v, skipped %d", par, got, skipped.Count())
		}
	}
	// Any other panic reaches the iterating goroutine.
	done := noLeak(t)
	func() {
		defer func() {
			if r := recover(); r != "bad" {
				t.Errorf("recovered %v", r)
			}
		}()
		for range Range(0, 100, 1).Map(func(e Element) (Element, error) { panic("bad") }, Parallel(3)).All(context.Background()) {
		}
	}()
	done()
}

// orderOf returns the element order of a pipeline with map parallelism par.
func orderOf(t *testing.T, par int, seed uint64) []int64 {
	jitter := func(e Element) (Element, error) {
		v := e.Tensor().Int64s()[0]
		time.Sleep(time.Duration(v%5) * 50 * time.Microsecond)
		return Single(tensor.Scalar(v * 10)), nil
	}
	noise := func(e Element, rng *rand.Rand) (Element, error) {
		return Single(tensor.Scalar(e.Tensor().Int64s()[0] + rng.Int64N(10))), nil
	}
	ds := Range(0, 200, 1).Shuffle(50, seed).Map(jitter, Parallel(par)).MapRandom(seed, noise, Parallel(par)).Batch(16).Prefetch(2)
	return ints(t, ds)
}

func TestDeterminismAcrossParallelism(t *testing.T) {
	want := orderOf(t, 0, 7)
	for _, par := range []int{1, 2, 8, Autotune} {
		if got := orderOf(t, par, 7); !slices.Equal(got, want) {
			t.Errorf("parallel %d: order differs from sequential", par)
		}
	}
	if slices.Equal(orderOf(t, 2, 8), want) {
		t.Error("another seed gives the same order")
	}
	// Deterministic(false) still produces every element once.
	ds := Range(0, 200, 1).Map(func(e Element) (Element, error) { return e, nil }, Parallel(8), Deterministic(false))
	got := ints(t, ds)
	slices.Sort(got)
	if !slices.Equal(got, ints(t, Range(0, 200, 1))) {
		t.Error("non-deterministic map lost or duplicated elements")
	}
}

func TestShuffle(t *testing.T) {
	ds := Range(0, 100, 1).Shuffle(100, 42)
	a, b := ints(t, ds), ints(t, ds)
	if slices.Equal(a, b) {
		t.Error("second pass has the same order")
	}
	if slices.Equal(a, ints(t, Range(0, 100, 1))) {
		t.Error("not shuffled")
	}
	sorted := slices.Clone(a)
	slices.Sort(sorted)
	if !slices.Equal(sorted, ints(t, Range(0, 100, 1))) {
		t.Errorf("shuffle is not a permutation: %v", a)
	}
	// The same seed gives the same orders on a new dataset; Reshuffle(false) repeats.
	ds2 := Range(0, 100, 1).Shuffle(100, 42)
	if !slices.Equal(ints(t, ds2), a) || !slices.Equal(ints(t, ds2), b) {
		t.Error("same seed, different order")
	}
	fixed := Range(0, 100, 1).Shuffle(10, 1, Reshuffle(false))
	if !slices.Equal(ints(t, fixed), ints(t, fixed)) {
		t.Error("Reshuffle(false) changed the order")
	}
	// A small buffer only shuffles locally: element i cannot come out before
	// position i - bufferSize.
	for pos, v := range ints(t, Range(0, 100, 1).Shuffle(5, 3)) {
		if int(v) > pos+4 {
			t.Errorf("element %d at position %d with a buffer of 5", v, pos)
		}
	}
	// Each epoch of a repeat is reshuffled.
	rep := ints(t, Range(0, 20, 1).Shuffle(20, 9).Repeat(2))
	if slices.Equal(rep[:20], rep[20:]) {
		t.Error("repeat did not reshuffle")
	}
}

func TestBatch(t *testing.T) {
	got := batches(t, Range(0, 7, 1).Batch(3))
	want := [][]int64{{0, 1, 2}, {3, 4, 5}, {6}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Batch(3) = %v", got)
	}
	ds := Range(0, 7, 1).Batch(3, DropRemainder())
	if got := batches(t, ds); len(got) != 2 || ds.Cardinality() != 2 || ds.Spec().String() != "(int64[3])" {
		t.Errorf("DropRemainder: %v, card %d, spec %v", got, ds.Cardinality(), ds.Spec())
	}
	if s := Range(0, 7, 1).Batch(3).Spec().String(); s != "(int64[?])" {
		t.Errorf("spec %s", s)
	}
	// Shapes that differ give an error naming the element and the shapes.
	mixed := FromElements(Single(i64(1, 2)), Single(i64(3, 4)), Single(i64(5)), Single(i64(6, 7)))
	errs, _ := errorsOf(mixed.Batch(4))
	if len(errs) != 1 {
		t.Fatalf("errors %v", errs)
	}
	wantContains(t, errs[0], "data: batch", "element 2", "[1]", "element 0", "[2]", "PaddedBatch")
	if Range(0, 1, 1).Batch(0).Err() == nil {
		t.Error("Batch(0) accepted")
	}
	// An upstream error replaces its batch, and batching goes on.
	withErr := Range(0, 7, 1).Map(func(e Element) (Element, error) {
		if e.Tensor().Item() == 4 {
			return Element{}, errors.New("bad")
		}
		return e, nil
	})
	errs, n := errorsOf(withErr.Batch(3))
	if len(errs) != 1 || n != 2 {
		t.Errorf("errors %v, %d batches", errs, n)
	}
}

func TestPaddedBatch(t *testing.T) {
	ds := FromElements(Single(i64(1)), Single(i64(2, 3, 4)), Single(i64(5, 6))).PaddedBatch(2, PadValue(-1))
	got := batches(t, ds)
	if fmt.Sprint(got) != "[[1 -1 -1 2 3 4] [5 6]]" {
		t.Errorf("got %v", got)
	}
	elems, _ := ds.Collect(context.Background())
	if !elems[0].Tensor().Shape().Equal(shape.Of(2, 3)) || !elems[1].Tensor().Shape().Equal(shape.Of(1, 2)) {
		t.Errorf("shapes %v %v", elems[0].Tensor().Shape(), elems[1].Tensor().Shape())
	}
	// Two-dimensional components and a fixed padded shape.
	m := func(r, c int) *tensor.Tensor { return tensor.Ones(dtype.Float32, r, c) }
	ds = FromElements(Single(m(1, 2)), Single(m(2, 1))).PaddedBatch(2, PaddedShape(0, 3, -1))
	elems, err := ds.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b := elems[0].Tensor()
	if !b.Shape().Equal(shape.Of(2, 3, 2)) || fmt.Sprint(b.Float32s()) != "[1 1 0 0 0 0 1 0 1 0 0 0]" {
		t.Errorf("padded %v %v", b.Shape(), b.Float32s())
	}
	if ds.Spec().String() != "(float32[? 3 ?])" {
		t.Errorf("spec %v", ds.Spec())
	}
	errs, _ := errorsOf(FromElements(Single(m(4, 1))).PaddedBatch(1, PaddedShape(0, 3, -1)))
	if len(errs) != 1 || !strings.Contains(errs[0], "more than the padded shape") {
		t.Errorf("errors %v", errs)
	}
}

func TestUnbatchRebatch(t *testing.T) {
	src := Range(0, 10, 1).Batch(4)
	if got := ints(t, src.Unbatch()); !slices.Equal(got, ints(t, Range(0, 10, 1))) {
		t.Errorf("unbatch %v", got)
	}
	got := batches(t, src.Rebatch(3))
	if fmt.Sprint(got) != "[[0 1 2] [3 4 5] [6 7 8] [9]]" {
		t.Errorf("rebatch %v", got)
	}
	got = batches(t, src.Rebatch(6, DropRemainder()))
	if fmt.Sprint(got) != "[[0 1 2 3 4 5]]" {
		t.Errorf("rebatch drop %v", got)
	}
	// Named tuples keep their names through unbatch.
	ds := FromNamedSlices(map[string]*tensor.Tensor{"a": i64(1, 2), "b": i64(3, 4)}).Batch(2).Unbatch()
	if ds.Spec().String() != "{a: int64[], b: int64[]}" {
		t.Errorf("spec %v", ds.Spec())
	}
	if Range(0, 3, 1).Unbatch().Err() == nil {
		t.Error("unbatch of scalars accepted")
	}
}

func TestRepeatTakeSkipShard(t *testing.T) {
	r := Range(0, 3, 1)
	if got := ints(t, r.Repeat(2)); !slices.Equal(got, []int64{0, 1, 2, 0, 1, 2}) || r.Repeat(2).Cardinality() != 6 {
		t.Errorf("repeat %v", got)
	}
	if got := ints(t, r.Repeat(-1).Take(7)); !slices.Equal(got, []int64{0, 1, 2, 0, 1, 2, 0}) {
		t.Errorf("repeat forever %v", got)
	}
	if r.Repeat(-1).Cardinality() != Infinite || r.Repeat(-1).Take(7).Cardinality() != 7 {
		t.Error("cardinality of repeat/take")
	}
	// An endless repeat of an empty dataset ends.
	if got := ints(t, Range(0, 0, 1).Repeat(-1)); len(got) != 0 {
		t.Errorf("empty repeat %v", got)
	}
	if got := ints(t, Range(0, 10, 1).Skip(7)); !slices.Equal(got, []int64{7, 8, 9}) {
		t.Errorf("skip %v", got)
	}
	if got := ints(t, Range(0, 10, 1).Take(0)); len(got) != 0 {
		t.Errorf("take 0 %v", got)
	}
	if got := ints(t, Range(0, 10, 1).Shard(3, 1)); !slices.Equal(got, []int64{1, 4, 7}) || Range(0, 10, 1).Shard(3, 1).Cardinality() != 3 {
		t.Errorf("shard %v", got)
	}
	if Range(0, 10, 1).Shard(3, 3).Err() == nil {
		t.Error("shard index 3 of 3 accepted")
	}
}

func TestEnumerateZipConcatenate(t *testing.T) {
	elems, _ := Range(10, 13, 1).Enumerate(5).Collect(context.Background())
	if len(elems) != 3 || elems[1].At(0).Item() != 6 || elems[1].At(1).Item() != 11 {
		t.Errorf("enumerate %v", elems)
	}
	z := Zip(Range(0, 3, 1), Range(10, 20, 1))
	if z.Cardinality() != 3 || z.Spec().String() != "(int64[], int64[])" {
		t.Errorf("zip card %d spec %v", z.Cardinality(), z.Spec())
	}
	elems, _ = z.Collect(context.Background())
	if len(elems) != 3 || elems[2].At(1).Item() != 12 {
		t.Errorf("zip %v", elems)
	}
	named := Zip(FromNamedSlices(map[string]*tensor.Tensor{"x": i64(1)}), FromNamedSlices(map[string]*tensor.Tensor{"y": i64(2)}))
	if named.Spec().String() != "{x: int64[], y: int64[]}" {
		t.Errorf("named zip spec %v", named.Spec())
	}
	c := Range(0, 2, 1).Concatenate(Range(5, 7, 1))
	if got := ints(t, c); !slices.Equal(got, []int64{0, 1, 5, 6}) || c.Cardinality() != 4 {
		t.Errorf("concatenate %v", got)
	}
	if Range(0, 2, 1).Concatenate(FromSlice([]float32{1})).Err() == nil {
		t.Error("concatenate of different dtypes accepted")
	}
	if got := ints(t, Range(0, 5, 1).Apply(func(d *Dataset) *Dataset { return d.Skip(1).Take(2) })); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("apply %v", got)
	}
}

func TestWindow(t *testing.T) {
	got := batches(t, Range(0, 5, 1).Window(3, 1, 1))
	if fmt.Sprint(got) != "[[0 1 2] [1 2 3] [2 3 4] [3 4] [4]]" {
		t.Errorf("window %v", got)
	}
	got = batches(t, Range(0, 7, 1).Window(2, 3, 2, DropRemainder()))
	if fmt.Sprint(got) != "[[0 2] [3 5]]" {
		t.Errorf("window stride %v", got)
	}
	got = batches(t, Range(0, 7, 1).Window(3, 0, 0))
	if fmt.Sprint(got) != "[[0 1 2] [3 4 5] [6]]" {
		t.Errorf("tumbling window %v", got)
	}
}

func TestGroupByWindowAndBuckets(t *testing.T) {
	ds := Range(0, 10, 1).GroupByWindow(func(e Element) (int64, error) {
		return e.Tensor().Int64s()[0] % 2, nil
	}, func(key int64, w *Dataset) *Dataset { return w.Batch(3) }, 3)
	got := batches(t, ds)
	if fmt.Sprint(got) != "[[0 2 4] [1 3 5] [6 8] [7 9]]" {
		t.Errorf("group by window %v", got)
	}
	if ds.Spec().String() != "(int64[?])" {
		t.Errorf("spec %v", ds.Spec())
	}
	seqs := []Element{}
	for _, n := range []int{1, 5, 2, 6, 1, 7, 2} {
		seqs = append(seqs, Single(tensor.Ones(dtype.Int64, n)))
	}
	b := FromElements(seqs...).BucketBySequenceLength(func(e Element) (int, error) { return e.Tensor().Dim(0), nil },
		[]int{3}, []int{2, 2}, PadValue(0))
	elems, err := b.Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var shapes []string
	for _, e := range elems {
		shapes = append(shapes, e.Tensor().Shape().String())
	}
	if fmt.Sprint(shapes) != "[[2 2] [2 6] [2 2] [1 7]]" {
		t.Errorf("bucket shapes %v", shapes)
	}
}

func TestInterleave(t *testing.T) {
	inner := func(e Element) *Dataset {
		v := e.Tensor().Int64s()[0]
		return Range(v*10, v*10+int64(v)+1, 1)
	}
	// Inputs 1, 2, 3 give [10 11], [20 21 22], [30 31 32 33].
	seq := ints(t, Range(1, 4, 1).Interleave(inner, 2, 1))
	want := []int64{10, 20, 11, 21, 22, 30, 31, 32, 33} // as tf.data orders them
	if !slices.Equal(seq, want) {
		t.Errorf("interleave = %v, want %v", seq, want)
	}
	blocks := ints(t, Range(1, 4, 1).Interleave(inner, 2, 2))
	if want := []int64{10, 11, 20, 21, 22, 30, 31, 32, 33}; !slices.Equal(blocks, want) {
		t.Errorf("interleave blocks = %v, want %v", blocks, want)
	}
	for _, par := range []int{1, 2, 8} {
		if got := ints(t, Range(1, 4, 1).Interleave(inner, 2, 1, Parallel(par))); !slices.Equal(got, seq) {
			t.Errorf("parallel %d interleave = %v", par, got)
		}
	}
	un := ints(t, Range(1, 4, 1).Interleave(inner, 2, 1, Parallel(2), Deterministic(false)))
	slices.Sort(un)
	sorted := slices.Clone(seq)
	slices.Sort(sorted)
	if !slices.Equal(un, sorted) {
		t.Errorf("unordered interleave = %v", un)
	}
	if got := ints(t, Range(1, 3, 1).FlatMap(inner)); !slices.Equal(got, []int64{10, 11, 20, 21, 22}) {
		t.Errorf("flat map %v", got)
	}
}

func TestPrefetch(t *testing.T) {
	if got := ints(t, Range(0, 50, 1).Prefetch(3)); !slices.Equal(got, ints(t, Range(0, 50, 1))) {
		t.Errorf("prefetch %v", got)
	}
	if Range(0, 1, 1).Prefetch(0).Err() == nil {
		t.Error("prefetch 0 accepted")
	}
}

func TestCacheMemory(t *testing.T) {
	var calls atomic.Int64
	ds := Range(0, 5, 1).Map(func(e Element) (Element, error) { calls.Add(1); return e, nil }).Cache("")
	// A pass stopped early does not fill the cache.
	for range ds.All(context.Background()) {
		break
	}
	a, b := ints(t, ds), ints(t, ds)
	if !slices.Equal(a, b) || !slices.Equal(a, []int64{0, 1, 2, 3, 4}) || calls.Load() != 6 {
		t.Errorf("passes %v %v, %d calls", a, b, calls.Load())
	}
}

func TestCacheFile(t *testing.T) {
	path := t.TempDir() + "/cache"
	var calls atomic.Int64
	src := FromNamedSlices(map[string]*tensor.Tensor{
		"x": tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 3, 2),
		"h": tensor.FromSlice([]dtype.F16{1, 2, 3}),
		"y": i64(7, 8, 9),
	})
	mk := func() *Dataset {
		return src.Map(func(e Element) (Element, error) { calls.Add(1); return e, nil }, OutputSpec(src.Spec())).Cache(path)
	}
	first, err := mk().Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// A new dataset (as in a later run) reads the file instead of its source.
	second, err := mk().Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 || len(second) != 3 {
		t.Fatalf("%d calls, %d elements", calls.Load(), len(second))
	}
	for i := range first {
		if fmt.Sprint(first[i]) != fmt.Sprint(second[i]) {
			t.Errorf("element %d: %v, cached %v", i, first[i], second[i])
		}
	}
	// A different spec is refused.
	errs, _ := errorsOf(Range(0, 3, 1).Cache(path))
	if len(errs) != 1 || !strings.Contains(errs[0], "delete it") {
		t.Errorf("errors %v", errs)
	}
}

func TestCacheFileInterruptedLeavesNoFile(t *testing.T) {
	path := t.TempDir() + "/cache"
	ds := Range(0, 10, 1).Cache(path)
	for range ds.All(context.Background()) {
		break
	}
	if got := ints(t, ds); len(got) != 10 {
		t.Errorf("got %v", got)
	}
	if got := ints(t, ds); len(got) != 10 {
		t.Errorf("from the file: got %v", got)
	}
}

func TestContextCancel(t *testing.T) {
	done := noLeak(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ds := Range(0, 1_000_000, 1).Map(func(e Element) (Element, error) { return e, nil }, Parallel(4)).Batch(10).Prefetch(2)
	n := 0
	var last error
	for _, err := range ds.All(ctx) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 5 {
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("last error %v", last)
	}
	done()
}

func TestEarlyStopNoLeaks(t *testing.T) {
	slow := func(e Element) (Element, error) { time.Sleep(100 * time.Microsecond); return e, nil }
	inner := func(e Element) *Dataset { return Range(0, 1000, 1).Map(slow, Parallel(2)) }
	pipelines := map[string]*Dataset{
		"map":        Range(0, 1e6, 1).Map(slow, Parallel(8)),
		"map-unord":  Range(0, 1e6, 1).Map(slow, Parallel(8), Deterministic(false)),
		"autotune":   Range(0, 1e6, 1).Map(slow, Parallel(Autotune)),
		"prefetch":   Range(0, 1e6, 1).Prefetch(4).Prefetch(1),
		"interleave": Range(0, 100, 1).Interleave(inner, 4, 2, Parallel(4)),
		"interl-un":  Range(0, 100, 1).Interleave(inner, 4, 2, Parallel(4), Deterministic(false)),
		"interl-seq": Range(0, 100, 1).Interleave(inner, 4, 2),
		"zip":        Zip(Range(0, 1e6, 1).Prefetch(2), Range(0, 1e6, 1).Map(slow, Parallel(2))),
		"full":       Range(0, 1e6, 1).Shuffle(100, 1).Map(slow, Parallel(4)).Batch(8).Prefetch(2).Repeat(-1),
		"mapRandom":  Range(0, 1e6, 1).MapRandom(1, func(e Element, r *rand.Rand) (Element, error) { return e, nil }, Parallel(3)),
		"ignoreError": Range(0, 1e6, 1).Map(func(e Element) (Element, error) {
			if e.Tensor().Item() < 100 {
				return e, errors.New("x")
			}
			return e, nil
		}, Parallel(2)).IgnoreErrors(nil).Take(30),
	}
	for name, ds := range pipelines {
		t.Run(name, func(t *testing.T) {
			done := noLeak(t)
			n := 0
			for _, err := range ds.All(context.Background()) {
				if err != nil {
					t.Fatal(err)
				}
				if n++; n == 20 {
					break
				}
			}
			done()
		})
	}
}

func TestAutotuneGrows(t *testing.T) {
	var running, most atomic.Int64
	sleep := func(e Element) (Element, error) {
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(2 * time.Millisecond)
		running.Add(-1)
		return e, nil
	}
	start := time.Now()
	if n := len(ints(t, Range(0, 400, 1).Map(sleep, Parallel(Autotune)))); n != 400 {
		t.Fatalf("%d elements", n)
	}
	// A function that only sleeps gains from more goroutines than GOMAXPROCS, and
	// autotuning should find that out.
	t.Logf("autotuned map of a sleeping function: %v, at most %d calls at once", time.Since(start), most.Load())
	if p := runtime.GOMAXPROCS(0); most.Load() <= int64(p) {
		t.Errorf("autotune ran at most %d calls at once, no more than GOMAXPROCS=%d", most.Load(), p)
	}
}

func TestSpecCheck(t *testing.T) {
	s := Spec{Tensors: []TensorSpec{{DType: dtype.Float32, Shape: shape.Shape{shape.Unknown, 2}}}}
	if err := s.Check(Single(tensor.Ones(dtype.Float32, 5, 2))); err != nil {
		t.Error(err)
	}
	if err := s.Check(Single(tensor.Ones(dtype.Float32, 5, 3))); err == nil || !strings.HasPrefix(err.Error(), "data: ") {
		t.Errorf("err %v", err)
	}
	if err := s.Check(Tuple(tensor.Ones(dtype.Float32, 5, 2), tensor.Ones(dtype.Float32, 5, 2))); err == nil {
		t.Error("wrong arity accepted")
	}
}
