package philox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// Known answers for Philox4x32 copied from the kat_vectors file of the
// Random123 distribution by D. E. Shaw Research, as quoted in
// DEShawResearch/Random123-Boost libs/random/test/test_philox.cpp
// (commit 916db91ae4c6fd8324ef054a518851321ab41f91), test_kat_philox4x32.
// Each line there is counter words, key words, output words, in hex.
var katVectors = []struct {
	rounds int
	ctr    [4]uint32
	key    [2]uint32
	want   [4]uint32
}{
	// philox4x32 10 00000000 00000000 00000000 00000000 00000000 00000000   6627e8d5 e169c58d bc57ac4c 9b00dbd8
	{10, [4]uint32{0, 0, 0, 0}, [2]uint32{0, 0},
		[4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
	// philox4x32 10 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff   408f276d 41c83b0e a20bc7c6 6d5451fd
	{10, [4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff},
		[4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
	// philox4x32 10 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0   d16cfe09 94fdcceb 5001e420 24126ea1
	{10, [4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0},
		[4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
	// The 7-round vectors from the same test check the round count and the
	// key schedule independently of the final output.
	// philox4x32 7 00000000 00000000 00000000 00000000 00000000 00000000   5f6fb709 0d893f64 4f121f81 4f730a48
	{7, [4]uint32{0, 0, 0, 0}, [2]uint32{0, 0},
		[4]uint32{0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48}},
	// philox4x32 7 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff   5207ddc2 45165e59 4d8ee751 8c52f662
	{7, [4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [2]uint32{0xffffffff, 0xffffffff},
		[4]uint32{0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662}},
	// philox4x32 7 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0   4dfccaba 190a87f0 c47362ba b6b5242a
	{7, [4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [2]uint32{0xa4093822, 0x299f31d0},
		[4]uint32{0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a}},
}

func TestKnownAnswers(t *testing.T) {
	for _, v := range katVectors {
		got := blockRounds(v.ctr, v.key, v.rounds)
		if got != v.want {
			t.Errorf("philox4x32-%d(%08x, %08x) = %08x, want %08x", v.rounds, v.ctr, v.key, got, v.want)
		}
		if v.rounds == Rounds {
			if got := Block(v.ctr, v.key); got != v.want {
				t.Errorf("Block(%08x, %08x) = %08x, want %08x", v.ctr, v.key, got, v.want)
			}
		}
	}
}

func TestKeyFromSeed(t *testing.T) {
	if got, want := KeyFromSeed(0x0123456789abcdef), [2]uint32{0x89abcdef, 0x01234567}; got != want {
		t.Errorf("KeyFromSeed = %08x, want %08x", got, want)
	}
}

// reference computes word i of a stream straight from the documented layout.
func reference(key [2]uint32, stream uint64, i uint64) uint32 {
	b := i / 4
	return Block([4]uint32{uint32(b), uint32(b >> 32), uint32(stream), uint32(stream >> 32)}, key)[i%4]
}

func TestUint32sLayout(t *testing.T) {
	key := KeyFromSeed(42)
	const stream = 0x1234567890
	for _, n := range []int{0, 1, 3, 4, 5, 7, 8, 9, 31, 65, 1000} {
		// Guard bands catch writes outside dst.
		buf := make([]uint32, n+2)
		buf[0], buf[n+1] = 0xdeadbeef, 0xdeadbeef
		Uint32s(key, stream, buf[1:n+1])
		if buf[0] != 0xdeadbeef || buf[n+1] != 0xdeadbeef {
			t.Fatalf("n=%d: guard band overwritten", n)
		}
		for i := 0; i < n; i++ {
			if got, want := buf[1+i], reference(key, stream, uint64(i)); got != want {
				t.Fatalf("n=%d: word %d = %08x, want %08x", n, i, got, want)
			}
		}
	}
}

func TestUint32sAtMatchesUint32s(t *testing.T) {
	key := KeyFromSeed(7)
	const n = 203
	all := make([]uint32, n)
	Uint32s(key, 3, all)
	for off := 0; off < n; off++ {
		for _, l := range []int{0, 1, 2, 3, 4, 5, 8, 9, 17} {
			if off+l > n {
				continue
			}
			got := make([]uint32, l)
			Uint32sAt(key, 3, off, got)
			for i := range got {
				if got[i] != all[off+i] {
					t.Fatalf("Uint32sAt(off=%d, len=%d)[%d] = %08x, want %08x", off, l, i, got[i], all[off+i])
				}
			}
		}
	}
}

func TestUint32sAtLargeOffset(t *testing.T) {
	// Block indices past 2^32 must carry into the second counter word.
	key := KeyFromSeed(1)
	big := uint64(4<<32 + 2) // block 2^32, lane 2
	if uint64(int(big)) != big {
		t.Skip("int has 32 bits")
	}
	off := int(big)
	got := make([]uint32, 7)
	Uint32sAt(key, 9, off, got)
	for i := range got {
		if want := reference(key, 9, uint64(off+i)); got[i] != want {
			t.Fatalf("word %d = %08x, want %08x", off+i, got[i], want)
		}
	}
}

func TestUint32sParallel(t *testing.T) {
	key := KeyFromSeed(2024)
	const n = 10007
	want := make([]uint32, n)
	Uint32s(key, 5, want)
	for _, workers := range []int{1, 2, 3, 8, 13} {
		got := make([]uint32, n)
		var wg sync.WaitGroup
		chunk := (n + workers - 1) / workers
		for lo := 0; lo < n; lo += chunk {
			hi := min(lo+chunk, n)
			wg.Add(1)
			go func() {
				defer wg.Done()
				Uint32sAt(key, 5, lo, got[lo:hi])
			}()
		}
		wg.Wait()
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("workers=%d: word %d differs", workers, i)
			}
		}
	}
}

func TestStreamsAndKeysDiffer(t *testing.T) {
	a := make([]uint32, 8)
	b := make([]uint32, 8)
	Uint32s(KeyFromSeed(1), 0, a)
	Uint32s(KeyFromSeed(1), 1, b)
	if a[0] == b[0] && a[1] == b[1] {
		t.Error("streams 0 and 1 start alike")
	}
	Uint32s(KeyFromSeed(2), 0, b)
	if a[0] == b[0] && a[1] == b[1] {
		t.Error("seeds 1 and 2 start alike")
	}
}

func TestUint32sAtNegativeOffsetPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a negative offset")
		}
	}()
	Uint32sAt(KeyFromSeed(0), 0, -1, make([]uint32, 1))
}

func TestUint32sNoAlloc(t *testing.T) {
	dst := make([]uint32, 1001)
	key := KeyFromSeed(3)
	if n := testing.AllocsPerRun(10, func() { Uint32sAt(key, 1, 3, dst) }); n != 0 {
		t.Errorf("Uint32sAt allocates %v times", n)
	}
}

func TestFloat32(t *testing.T) {
	cases := []struct {
		u    uint32
		want float32
	}{
		{0, 0},
		{1<<9 - 1, 0}, // the low 9 bits are dropped
		{1 << 9, 0x1p-23},
		{0x80000000, 0.5},
		{0xffffffff, 1 - 0x1p-23},
	}
	for _, c := range cases {
		if got := Float32(c.u); got != c.want {
			t.Errorf("Float32(%#x) = %v, want %v", c.u, got, c.want)
		}
	}
}

func TestFloat64(t *testing.T) {
	cases := []struct {
		hi, lo uint32
		want   float64
	}{
		{0, 0, 0},
		{0, 1<<12 - 1, 0},
		{0, 1 << 12, 0x1p-52},
		{0x80000000, 0, 0.5},
		{0xffffffff, 0xffffffff, 1 - 0x1p-52},
	}
	for _, c := range cases {
		if got := Float64(c.hi, c.lo); got != c.want {
			t.Errorf("Float64(%#x, %#x) = %v, want %v", c.hi, c.lo, got, c.want)
		}
	}
}

func TestLogUnit(t *testing.T) {
	if d := ln2Hi + ln2Lo - math.Ln2; math.Abs(d) > 1e-25 {
		t.Errorf("ln2Hi+ln2Lo off by %g", d)
	}
	r := rand.New(rand.NewPCG(1, 2))
	xs := []float64{1, 0.5, 0.25, 0x1p-32, 0x1p-53, math.Sqrt2 / 2, 1 - 0x1p-53, 1 - 0x1p-32}
	for range 100000 {
		xs = append(xs, 1-r.Float64()) // (0, 1]
	}
	for _, x := range xs {
		got, want := logUnit(x), math.Log(x)
		if math.Abs(got-want) > 4e-16*math.Max(math.Abs(want), 1e-300) && got != want {
			t.Fatalf("logUnit(%v) = %v, want %v", x, got, want)
		}
	}
}

func TestSincos2Pi(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ts := []float64{0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1 - 0x1p-53}
	for range 100000 {
		ts = append(ts, r.Float64())
	}
	for _, x := range ts {
		s, c := sincos2Pi(x)
		ws, wc := math.Sincos(2 * math.Pi * x)
		// math's argument 2*pi*x already carries an error of up to ~4e-16.
		if math.Abs(s-ws) > 1e-15 || math.Abs(c-wc) > 1e-15 {
			t.Fatalf("sincos2Pi(%v) = %v, %v, want %v, %v", x, s, c, ws, wc)
		}
	}
	// Exact quarter turns come out exact, signs included.
	for _, c := range []struct{ t, s, c float64 }{{0, 0, 1}, {0.25, 1, 0}, {0.5, 0, -1}, {0.75, -1, 0}} {
		s, co := sincos2Pi(c.t)
		if s != c.s || co != c.c {
			t.Errorf("sincos2Pi(%v) = %v, %v, want %v, %v", c.t, s, co, c.s, c.c)
		}
	}
}

func TestNormalExtremes(t *testing.T) {
	// u1 = 0 is the smallest radius argument, 2^-32, never log(0).
	z0, z1 := Normal32(0, 0)
	if want := float32(math.Sqrt(64 * math.Ln2)); z0 != want || z1 != 0 {
		t.Errorf("Normal32(0, 0) = %v, %v, want %v, 0", z0, z1, want)
	}
	// u1 = max gives x = 1 and radius 0.
	if z0, z1 := Normal32(math.MaxUint32, 0); math.Float32bits(z0) != 0 || math.Float32bits(z1) != 0 {
		t.Errorf("Normal32(max, 0) = %v, %v, want +0, +0", z0, z1)
	}
	w0, w1 := Normal64(0, 1<<62) // angle pi/2
	if want := math.Sqrt(106 * math.Ln2); math.Abs(w1-want) > 1e-15 || w0 != 0 {
		t.Errorf("Normal64(0, 2^62) = %v, %v, want 0, %v", w0, w1, want)
	}
	if w0, w1 := Normal64(math.MaxUint64, 99); w0 != 0 || w1 != 0 {
		t.Errorf("Normal64(max, _) = %v, %v, want 0, 0", w0, w1)
	}
}

// TestNormalMoments checks mean, variance and tail mass of Normal32 and
// Normal64 over a Philox stream, with bounds of about six standard errors.
func TestNormalMoments(t *testing.T) {
	words := make([]uint32, 1<<21)
	Uint32s(KeyFromSeed(99), 0, words)
	check := func(name string, zs []float64) {
		n := float64(len(zs))
		var sum, sumSq, tail float64
		for _, z := range zs {
			sum += z
			sumSq += z * z
			if math.Abs(z) > 2 {
				tail++
			}
		}
		mean, variance, frac := sum/n, sumSq/n-(sum/n)*(sum/n), tail/n
		const pTail = 0.04550026 // P(|z| > 2)
		if math.Abs(mean) > 6/math.Sqrt(n) || math.Abs(variance-1) > 6*math.Sqrt(2/n) ||
			math.Abs(frac-pTail) > 6*math.Sqrt(pTail*(1-pTail)/n) {
			t.Errorf("%s: mean %v, variance %v, P(|z|>2) %v", name, mean, variance, frac)
		}
	}
	var zs []float64
	for i := 0; i < len(words); i += 2 {
		a, b := Normal32(words[i], words[i+1])
		zs = append(zs, float64(a), float64(b))
	}
	check("Normal32", zs)
	zs = zs[:0]
	for i := 0; i < len(words); i += 4 {
		a, b := Normal64(uint64(words[i])<<32|uint64(words[i+1]), uint64(words[i+2])<<32|uint64(words[i+3]))
		zs = append(zs, a, b)
	}
	check("Normal64", zs)
}

// TestGolden pins the first outputs for seed 0, stream 0 so that any change
// to the counter layout or the conversions shows up as a failure. The words
// follow from Block and the layout; the float bits were recorded from this
// implementation (and agree with Python's math.log, cos and sin to within
// 1e-15) and are what every platform must reproduce bit for bit.
func TestGolden(t *testing.T) {
	w := make([]uint32, 8)
	Uint32s(KeyFromSeed(0), 0, w)
	if got, want := [4]uint32(w[:4]), katVectors[0].want; got != want {
		t.Errorf("seed 0 stream 0 block 0 = %08x, want %08x", got, want)
	}
	got := fmt.Sprintf("%08x %v %v", w, Float32(w[0]), Float64(w[0], w[1]))
	z0, z1 := Normal32(w[0], w[1])
	g0, g1 := Normal64(uint64(w[0])<<32|uint64(w[1]), uint64(w[2])<<32|uint64(w[3]))
	got += fmt.Sprintf(" %x %x %x %x", math.Float32bits(z0), math.Float32bits(z1), math.Float64bits(g0), math.Float64bits(g1))
	const want = "[6627e8d5 e169c58d bc57ac4c 9b00dbd8 f8e4cca4 5cb200db b1a574eb 097eff67] " +
		"0.39904642 0.3990464708489645 3f7dbb33 bf6cb6b0 bfbf1bcd549837c2 bff599bbd8a9eda7"
	if got != want {
		t.Errorf("golden mismatch:\n got %s\nwant %s", got, want)
	}
}

func BenchmarkBlock(b *testing.B) {
	var ctr [4]uint32
	key := KeyFromSeed(1)
	var sink uint32
	for i := 0; i < b.N; i++ {
		ctr[0] = uint32(i)
		sink ^= Block(ctr, key)[0]
	}
	_ = sink
}

func BenchmarkUint32s(b *testing.B) {
	for _, n := range []int{64, 4096, 1 << 20} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dst := make([]uint32, n)
			key := KeyFromSeed(1)
			b.SetBytes(int64(4 * n))
			b.ReportAllocs()
			for b.Loop() {
				Uint32sAt(key, 7, 1, dst)
			}
		})
	}
}

func BenchmarkNormal32(b *testing.B) {
	var sink float32
	for i := 0; b.Loop(); i++ {
		z0, z1 := Normal32(uint32(i)*0x9E3779B9, uint32(i))
		sink += z0 + z1
	}
	_ = sink
}

func TestBlockMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 10000 {
		ctr := [4]uint32{r.Uint32(), r.Uint32(), r.Uint32(), r.Uint32()}
		key := [2]uint32{r.Uint32(), r.Uint32()}
		if got, want := Block(ctr, key), blockRounds(ctr, key, Rounds); got != want {
			t.Fatalf("Block(%08x, %08x) = %08x, reference %08x", ctr, key, got, want)
		}
	}
}
