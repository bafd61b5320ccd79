package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// plKernels are the pooling kernels of one instruction set.
type plKernels struct {
	name    string
	ok      bool
	max     func(y, x []float32, offs []int, c, npix, step int)
	gather  func(y, x, v []float32, offs []int, c, npix, step int)
	grad    func(dx, x, dy []float32, offs []int, c, npix, step int, accumulate bool)
	avg     func(y, x []float32, offs []int, c, npix, step int, n float32)
	avgGrad func(dx, dy []float32, offs []int, c, npix, step int, n float32)
}

var plSets = []plKernels{
	{"AVX512", HasAVX512, MaxPoolAVX512, MaxPoolGatherAVX512, MaxPoolGradAVX512, AvgPoolAVX512, AvgPoolGradAVX512},
	{"AVX2", HasAVX2, MaxPoolAVX2, MaxPoolGatherAVX2, MaxPoolGradAVX2, AvgPoolAVX2, AvgPoolGradAVX2},
}

// plValues returns n values from a few levels, so that windows hold ties and
// signed zeros, with NaNs of distinct payloads and infinities here and there.
func plValues(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		switch k := r.IntN(40); {
		case k == 0:
			v[i] = math.Float32frombits(0x7fc00000 | uint32(r.IntN(1<<20))) // NaN with a payload
		case k == 1:
			v[i] = math.Float32frombits(0xffc00000 | uint32(r.IntN(1<<20)))
		case k == 2:
			v[i] = float32(math.Inf(1))
		case k == 3:
			v[i] = float32(math.Inf(-1))
		case k < 8:
			v[i] = float32(math.Copysign(0, -1))
		default:
			v[i] = float32(r.IntN(9)-4) / 2
		}
	}
	return v
}

// plGeometry is a random walk of npix pixels: taps at distinct positions of
// a window, c channels a position, step positions a pixel.
type plGeometry struct {
	c, npix, step int
	offs          []int
	inLen         int
}

func plRandomGeometry(r *rand.Rand, c int) plGeometry {
	g := plGeometry{c: c, npix: 1 + r.IntN(6)}
	ntaps := 1 + r.IntN(9)
	span := ntaps + r.IntN(6)
	pos := r.Perm(span)[:ntaps]
	for _, p := range pos {
		g.offs = append(g.offs, (p+1)*c) // position 0 left out: the first tap needn't be at the start
	}
	g.step = (1 + r.IntN(span)) * c // overlapping windows when step < span
	g.inLen = (g.npix-1)*g.step + (span+1)*c
	return g
}

const plGuard = 3 // guard elements on each side of every output

// plGuarded returns s inside guard bands of a distinctive NaN, and the inner
// slice.
func plGuarded(s []float32) (all, in []float32) {
	all = make([]float32, len(s)+2*plGuard)
	for i := range all {
		all[i] = math.Float32frombits(0x7fbadbad)
	}
	copy(all[plGuard:], s)
	return all, all[plGuard : plGuard+len(s) : plGuard+len(s)]
}

// plSameBits reports the first index where got and want differ in bits.
func plSameBits(got, want []float32) string {
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			return fmt.Sprintf("[%d] = %v (%#x), want %v (%#x)", i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
	return ""
}

var plChannels = []int{1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 96, 100, 129}

func TestPoolKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, ks := range plSets {
		if !ks.ok {
			t.Logf("%s: not supported here", ks.name)
			continue
		}
		for _, c := range plChannels {
			for trial := 0; trial < 20; trial++ {
				g := plRandomGeometry(r, c)
				name := fmt.Sprintf("%s/c%d/trial%d(offs %v, step %d, npix %d)", ks.name, c, trial, g.offs, g.step, g.npix)
				plCheck(t, name, ks, g, r)
			}
		}
	}
}

func plCheck(t *testing.T, name string, ks plKernels, g plGeometry, r *rand.Rand) {
	t.Helper()
	x, v, dyv := plValues(r, g.inLen), plValues(r, g.inLen), plValues(r, g.npix*g.c)
	for i := range dyv { // gradients: finite, mostly
		if r.IntN(50) != 0 {
			dyv[i] = float32(r.NormFloat64())
		}
	}
	outLen := g.npix * g.c
	n := float32(len(g.offs) + r.IntN(3))

	check := func(kind string, got, want []float32, all []float32) {
		t.Helper()
		if bad := plSameBits(got, want); bad != "" {
			t.Fatalf("%s %s: %s", name, kind, bad)
		}
		for i := 0; i < plGuard; i++ {
			if math.Float32bits(all[i]) != 0x7fbadbad || math.Float32bits(all[len(all)-1-i]) != 0x7fbadbad {
				t.Fatalf("%s %s: guard band overwritten", name, kind)
			}
		}
	}
	_, xin := plGuarded(x) // inputs inside guards too, so that reads past them would show
	want := make([]float32, outLen)
	all, got := plGuarded(make([]float32, outLen))

	maxPoolRef(want, x, g.offs, g.c, g.npix, g.step)
	ks.max(got, xin, g.offs, g.c, g.npix, g.step)
	check("max", got, want, all)

	maxPoolGatherRef(want, x, v, g.offs, g.c, g.npix, g.step)
	_, vin := plGuarded(v)
	ks.gather(got, xin, vin, g.offs, g.c, g.npix, g.step)
	check("gather", got, want, all)

	avgPoolRef(want, x, g.offs, g.c, g.npix, g.step, n)
	ks.avg(got, xin, g.offs, g.c, g.npix, g.step, n)
	check("avg", got, want, all)

	dx0 := plValues(r, g.inLen)
	_, dy := plGuarded(dyv)
	var wantDx []float32
	for _, acc := range []bool{true, false} {
		wantDx = append(wantDx[:0], dx0...)
		maxPoolGradRef(wantDx, x, dyv, g.offs, g.c, g.npix, g.step, acc)
		dxAll, dx := plGuarded(dx0)
		ks.grad(dx, xin, dy, g.offs, g.c, g.npix, g.step, acc)
		check(fmt.Sprintf("grad(accumulate %v)", acc), dx, wantDx, dxAll)
	}

	wantDx = append(wantDx[:0], dx0...)
	avgPoolGradRef(wantDx, dyv, g.offs, g.c, g.npix, g.step, n)
	dxAll, dx := plGuarded(dx0)
	ks.avgGrad(dx, dy, g.offs, g.c, g.npix, g.step, n)
	check("avg_grad", dx, wantDx, dxAll)
}

// TestPoolKernelsEmpty checks that no pixels touch nothing.
func TestPoolKernelsEmpty(t *testing.T) {
	for _, ks := range plSets {
		if !ks.ok {
			continue
		}
		y := []float32{7}
		ks.max(y[:0], nil, []int{0}, 4, 0, 4)
		ks.avgGrad(y[:0], nil, []int{0}, 4, 0, 4, 1)
		if y[0] != 7 {
			t.Errorf("%s: wrote with npix 0", ks.name)
		}
	}
}

func BenchmarkMaxPoolKernel(b *testing.B) {
	// One row of the mnist_convnet's first pooling: 13 pixels of a 2×2 window,
	// stride 2, 32 channels, in a 26-wide input.
	const c, w, npix = 32, 26, 13
	x := make([]float32, 2*w*c)
	for i := range x {
		x[i] = float32(i % 37)
	}
	y := make([]float32, npix*c)
	dx := make([]float32, len(x))
	offs := []int{0, c, w * c, (w + 1) * c}
	for _, ks := range plSets {
		if !ks.ok {
			continue
		}
		b.Run(ks.name+"/fwd", func(b *testing.B) {
			for b.Loop() {
				ks.max(y, x, offs, c, npix, 2*c)
			}
		})
		b.Run(ks.name+"/bwd", func(b *testing.B) {
			for b.Loop() {
				ks.grad(dx, x, y, offs, c, npix, 2*c, false)
			}
		})
		// Overlapping windows, 2×2 with stride 1: the gradient accumulates.
		b.Run(ks.name+"/bwd_overlap", func(b *testing.B) {
			for b.Loop() {
				ks.grad(dx, x, y, offs, c, npix, c, true)
			}
		})
	}
	b.Run("ref/fwd", func(b *testing.B) {
		for b.Loop() {
			maxPoolRef(y, x, offs, c, npix, 2*c)
		}
	})
}
