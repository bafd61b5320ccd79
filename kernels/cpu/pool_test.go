package cpu_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/kernels/cpu"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

type plCase struct {
	name string
	x    []int
	p    ops.PoolParams
}

var plCases = []plCase{
	{"1x1x1", []int{1, 1, 1}, ops.PoolParams{Window: []int{1}}},
	{"2d/nhwc/3x3/s2/same", []int{2, 9, 8, 5}, ops.PoolParams{Window: []int{3}, Strides: []int{2}, Padding: ops.PadSame}},
	{"2d/nchw/2x2/ceil", []int{2, 3, 9, 9}, ops.PoolParams{Window: []int{2}, CeilMode: true, Layout: cvFirst}},
	{"1d/nwc/pads/includepad", []int{2, 13, 4}, ops.PoolParams{Window: []int{3}, Strides: []int{1}, Pads: [][2]int{{1, 1}}, CountIncludePad: true}},
	{"1d/ncw/dil2/s2", []int{2, 3, 17}, ops.PoolParams{Window: []int{3}, Dilations: []int{2}, Strides: []int{2}, Layout: cvFirst}},
	{"1d/nwc/s3", []int{1, 31, 7}, ops.PoolParams{Window: []int{4}, Strides: []int{3}, Pads: [][2]int{{0, 2}}}},
	{"3d/ndhwc", []int{1, 5, 6, 7, 2}, ops.PoolParams{Window: []int{2, 3, 2}, Pads: [][2]int{{0, 1}, {1, 1}, {0, 0}}}},
	{"3d/ncdhw/ceil/includepad", []int{1, 3, 5, 7, 6}, ops.PoolParams{Window: []int{2, 2, 3}, Strides: []int{2}, Pads: [][2]int{{1, 0}, {0, 1}, {1, 1}}, CeilMode: true, CountIncludePad: true, Layout: cvFirst}},
	{"2d/nhwc/ceil/pads/includepad", []int{1, 9, 7, 4}, ops.PoolParams{Window: []int{3}, Strides: []int{2}, Pads: [][2]int{{1, 1}, {1, 0}}, CeilMode: true, CountIncludePad: true}},
	{"2d/nhwc/pads2/s1", []int{2, 6, 5, 3}, ops.PoolParams{Window: []int{3}, Strides: []int{1}, Pads: [][2]int{{2, 2}, {2, 1}}}},
	{"2d/nhwc/overlap/dil2", []int{2, 11, 10, 9}, ops.PoolParams{Window: []int{3, 2}, Strides: []int{1, 2}, Dilations: []int{2}, Padding: ops.PadSameLower}},
	{"2d/nhwc/large", []int{4, 64, 65, 8}, ops.PoolParams{Window: []int{3}, Strides: []int{2}, Padding: ops.PadSame}},
	{"2d/nchw/large/ceil", []int{2, 8, 33, 31}, ops.PoolParams{Window: []int{2}, CeilMode: true, Layout: cvFirst}},
	{"2d/nhwc/batch0", []int{0, 4, 4, 2}, ops.PoolParams{Window: []int{2}}},
	{"2d/nchw/batch0", []int{0, 2, 4, 4}, ops.PoolParams{Window: []int{2}, Layout: cvFirst}},
	{"2d/nhwc/c0", []int{1, 4, 4, 0}, ops.PoolParams{Window: []int{2}}},
	// Enough channels for the vector kernels: whole vectors, tails, both.
	{"2d/nhwc/2x2/c32", []int{3, 10, 9, 32}, ops.PoolParams{Window: []int{2}}},
	{"2d/nhwc/3x3/s2/same/c17", []int{2, 11, 12, 17}, ops.PoolParams{Window: []int{3}, Strides: []int{2}, Padding: ops.PadSame}},
	{"2d/nhwc/overlap/pads/c64", []int{2, 7, 8, 64}, ops.PoolParams{Window: []int{3, 2}, Strides: []int{1}, Pads: [][2]int{{1, 1}, {0, 1}}}},
	{"2d/nhwc/dil2/ceil/includepad/c33", []int{2, 9, 10, 33}, ops.PoolParams{Window: []int{2, 3}, Strides: []int{2}, Dilations: []int{2}, Pads: [][2]int{{1, 0}, {1, 1}}, CeilMode: true, CountIncludePad: true}},
	{"1d/nwc/c100", []int{2, 19, 100}, ops.PoolParams{Window: []int{4}, Strides: []int{3}, Pads: [][2]int{{2, 1}}}},
	{"3d/ndhwc/c20", []int{1, 5, 6, 7, 20}, ops.PoolParams{Window: []int{2, 3, 2}, Strides: []int{1, 2, 1}, Pads: [][2]int{{0, 1}, {1, 1}, {1, 0}}}},
}

// plTiesAndNaNs returns values from a few levels, so that windows hold ties (and signed zeros),
// with a NaN and infinities here and there: max pooling must pick the reference's element.
func plTiesAndNaNs(dt dtype.DType, seed uint64, dims ...int) *tensor.Tensor {
	t := tensor.Random(dt, tensor.Uniform, seed, dims...)
	v := t.Float64s()
	for i := range v {
		switch k := int(v[i] * 9); {
		case i%97 == 13:
			v[i] = math.NaN()
		case i%89 == 7:
			v[i] = math.Inf(1)
		case i%83 == 5:
			v[i] = math.Inf(-1)
		case k == 4:
			v[i] = math.Copysign(0, -1)
		default:
			v[i] = float64(k-4) / 2
		}
	}
	out := tensor.New(dt, t.Shape())
	tensor.Convert(out, tensor.FromSlice(v, t.Shape()...))
	return out
}

func TestPoolMatchesReference(t *testing.T) {
	defer cpu.SetMinParFlops(cpu.SetMinParFlops(1000))
	defer cpu.SetPoolVec(cpu.SetPoolVec(""))
	for _, set := range cpu.PoolVecSets() {
		cpu.SetPoolVec(set)
		t.Run("vec="+set, plMatchesReference)
	}
}

func plMatchesReference(t *testing.T) {
	maxPool, plGrad, maxGather := core.Lookup("max_pool"), core.Lookup("max_pool_grad"), core.Lookup("max_pool_gather")
	avgPool, avgGrad := core.Lookup("avg_pool"), core.Lookup("avg_pool_grad")
	for _, dt := range []dtype.DType{dtype.Float32, dtype.Float64} {
		for i, c := range plCases {
			name := fmt.Sprintf("%s/%s", dt, c.name)
			x := plTiesAndNaNs(dt, uint64(3*i+1), c.x...)
			y, err := maxPool.Infer(c.p, []core.Spec{core.SpecOf(x)})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			dy := tensor.Random(dt, tensor.Normal, uint64(3*i+2), y[0].Shape...)
			v := tensor.Random(dt, tensor.Normal, uint64(3*i+3), c.x...)
			win := 1
			for _, w := range c.p.Window {
				win *= w
			}
			if len(c.p.Window) == 1 {
				win = int(math.Pow(float64(c.p.Window[0]), float64(len(c.x)-2)))
			}
			cvCompare(t, name+"/max_pool", maxPool, c.p, 0, nil, x)
			cvCompare(t, name+"/max_pool_gather", maxGather, c.p, 0, nil, x, v)
			cvCompare(t, name+"/max_pool_grad", plGrad, c.p, cvTol(dt, win), nil, x, dy)
			xv := tensor.Random(dt, tensor.Normal, uint64(3*i+4), c.x...)
			cvCompare(t, name+"/avg_pool", avgPool, c.p, cvTol(dt, win), nil, xv)
			sp := c.x[1 : len(c.x)-1]
			if c.p.Layout == ops.ChannelsFirst {
				sp = c.x[2:]
			}
			cvCompare(t, name+"/avg_pool_grad", avgGrad, ops.AvgPoolGradParams{Pool: c.p, InputSize: sp}, cvTol(dt, win), nil, dy)
		}
	}
}

func BenchmarkPool(b *testing.B) {
	x := tensor.RandomNormal(1, 64, 56, 56, 64)
	p := ops.PoolParams{Window: []int{3}, Strides: []int{2}, Padding: ops.PadSame}
	y := ops.MaxPool2D(x, p)
	dy := tensor.RandomNormal(2, y.Shape()...)
	ap := ops.AvgPoolGradParams{Pool: p, InputSize: []int{56, 56}}
	elems := float64(x.Size())
	for _, c := range []struct {
		name string
		fn   func()
	}{
		{"max/fwd", func() { ops.MaxPool2D(x, p) }},
		{"max/bwd", func() { core.Apply1(core.Lookup("max_pool_grad"), p, x, dy) }},
		{"avg/fwd", func() { ops.AvgPool2D(x, p) }},
		{"avg/bwd", func() { core.Apply1(core.Lookup("avg_pool_grad"), ap, dy) }},
	} {
		b.Run(c.name+"/n64_h56_w56_c64_3x3_s2", func(b *testing.B) {
			for b.Loop() {
				c.fn()
			}
			b.ReportMetric(elems*4*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s(input)")
		})
	}
}

// plRandomCase returns a random channels-last pooling with enough channels for the vector
// kernels, or ok false if its windows are invalid.
func plRandomCase(r *rand.Rand) (c plCase, ok bool) {
	rank := 1 + r.IntN(3)
	chans := []int{4, 5, 8, 15, 16, 17, 31, 32, 33, 48, 64, 65, 80}
	c.x = []int{1 + r.IntN(3)}
	p := ops.PoolParams{Rank: rank, CeilMode: r.IntN(3) == 0, CountIncludePad: r.IntN(2) == 0}
	for range rank {
		win, dil := 1+r.IntN(3), 1+r.IntN(2)
		if rank == 1 {
			win = 1 + r.IntN(6)
		}
		p.Window = append(p.Window, win)
		p.Strides = append(p.Strides, 1+r.IntN(3))
		p.Dilations = append(p.Dilations, dil)
		p.Pads = append(p.Pads, [2]int{r.IntN(win), r.IntN(win)})
		c.x = append(c.x, 1+r.IntN(12))
	}
	c.x = append(c.x, chans[r.IntN(len(chans))])
	c.p = p
	c.name = fmt.Sprintf("x%v/win%v/s%v/d%v/pads%v/ceil%v/incl%v", c.x, p.Window, p.Strides, p.Dilations, p.Pads, p.CeilMode, p.CountIncludePad)
	_, err := core.Lookup("max_pool").Infer(p, []core.Spec{{DType: dtype.Float32, Shape: c.x}})
	return c, err == nil
}

// TestPoolVecMatchesLoops checks, on random channels-last poolings with ties and NaNs, that
// every vector kernel set gives the bits the loops give (gradients too: both accumulate in
// the same order), and max pooling and its gather the reference's bits.
func TestPoolVecMatchesLoops(t *testing.T) {
	sets := cpu.PoolVecSets()[1:]
	if len(sets) == 0 {
		t.Skip("no vector pooling kernels on this CPU")
	}
	defer cpu.SetMinParFlops(cpu.SetMinParFlops(1000))
	defer cpu.SetPoolVec(cpu.SetPoolVec(""))
	r := rand.New(rand.NewPCG(11, 12))
	maxPool, maxGrad, maxGather := core.Lookup("max_pool"), core.Lookup("max_pool_grad"), core.Lookup("max_pool_gather")
	avgPool, avgGrad := core.Lookup("avg_pool"), core.Lookup("avg_pool_grad")
	tested := 0
	for i := 0; i < 150; i++ {
		c, ok := plRandomCase(r)
		if !ok {
			continue
		}
		tested++
		x := plTiesAndNaNs(dtype.Float32, uint64(3*i+1), c.x...)
		y, err := maxPool.Infer(c.p, []core.Spec{core.SpecOf(x)})
		if err != nil {
			t.Fatal(err)
		}
		dy := tensor.Random(dtype.Float32, tensor.Normal, uint64(3*i+2), y[0].Shape...)
		v := plTiesAndNaNs(dtype.Float32, uint64(3*i+3), c.x...)
		ap := ops.AvgPoolGradParams{Pool: c.p, InputSize: c.x[1 : len(c.x)-1]}
		runs := []struct {
			name   string
			op     *core.Op
			params any
			in     []*tensor.Tensor
		}{
			{"max_pool", maxPool, c.p, []*tensor.Tensor{x}},
			{"max_pool_gather", maxGather, c.p, []*tensor.Tensor{x, v}},
			{"max_pool_grad", maxGrad, c.p, []*tensor.Tensor{x, dy}},
			{"avg_pool", avgPool, c.p, []*tensor.Tensor{v}},
			{"avg_pool_grad", avgGrad, ap, []*tensor.Tensor{dy}},
		}
		for _, run := range runs {
			fast, _ := cvKernelsOf(t, run.op, dtype.Float32)
			specs := make([]core.Spec, len(run.in))
			for j, in := range run.in {
				specs[j] = core.SpecOf(in)
			}
			out, err := run.op.Infer(run.params, specs)
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, run.name, err)
			}
			cpu.SetPoolVec("")
			want, err := core.RunKernel(run.op, fast, run.params, run.in, out)
			if err != nil {
				t.Fatal(err)
			}
			for _, set := range sets {
				cpu.SetPoolVec(set)
				got, err := core.RunKernel(run.op, fast, run.params, run.in, out)
				if err != nil {
					t.Fatal(err)
				}
				if bad := cvMismatches(got[0], want[0], 0); bad != "" {
					t.Errorf("%s %s vec=%s: %s", c.name, run.name, set, bad)
				}
			}
			// The reference sums gradients in float64: the same bits unless windows overlap.
			if run.op == maxPool || run.op == maxGather || run.op == maxGrad && !plOverlap(c.p) {
				cvCompare(t, c.name+"/"+run.name, run.op, run.params, 0, nil, run.in...)
			}
		}
	}
	if tested < 100 {
		t.Errorf("only %d of 150 random poolings were valid", tested)
	}
}

// plOverlap reports whether the windows of p share input elements.
func plOverlap(p ops.PoolParams) bool {
	for i, w := range p.Window {
		if (w-1)*p.Dilations[i]+1 > p.Strides[i] {
			return true
		}
	}
	return false
}
