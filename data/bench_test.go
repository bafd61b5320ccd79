package data

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/tideml/tide/io/example"
	"github.com/tideml/tide/io/tfrecord"
	"github.com/tideml/tide/tensor"
)

// writeExampleFile writes a TFRecord file of about size bytes of tf.Examples, each with
// 784 floats ("image") and an int64 "label", and returns its size and record count.
func writeExampleFile(b testing.TB, path string, size int64) (int64, int) {
	w, err := tfrecord.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pix := make([]float32, 784)
	var buf []byte
	n := 0
	for w.Offset() < size {
		for i := range pix {
			pix[i] = rng.Float32()
		}
		ex := example.Example{Features: example.Features{
			"image": example.FloatFeature(pix...),
			"label": example.Int64Feature(int64(n % 10)),
		}}
		if buf, err = ex.AppendMarshal(buf[:0]); err != nil {
			b.Fatal(err)
		}
		if err := w.Write(buf); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size(), n
}

// BenchmarkTFRecordExamples reads a 256 MB TFRecord file of tf.Examples (784 floats and a
// label each), parses them and batches them by 128, against a plain sequential read of
// the same file. GB/s counts file bytes. ParseExampleBatch straight after TFRecord reads
// the file by chunks (the fast path); ParseExample then Batch goes element by element.
// The loops release each batch when done with it, so that its memory is reused, except
// in the "keep" case, which allocates every batch afresh.
func BenchmarkTFRecordExamples(b *testing.B) {
	path := filepath.Join(b.TempDir(), "examples.tfrecord")
	size, records := writeExampleFile(b, path, 256<<20)
	spec := example.Spec{
		"image": example.FixedLen(example.KindFloat, 784),
		"label": example.FixedLen(example.KindInt64),
	}
	gbps := map[string]float64{}
	run := func(name string, pass func(b *testing.B)) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				pass(b)
			}
			g := float64(size) * float64(b.N) / b.Elapsed().Seconds() / 1e9
			b.ReportMetric(g, "GB/s")
			gbps[name] = g
		})
	}
	run("sequential-read", func(b *testing.B) {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if _, err := io.CopyBuffer(io.Discard, f, make([]byte, 256<<10)); err != nil {
			b.Fatal(err)
		}
	})
	drain := func(b *testing.B, ds *Dataset, release bool) {
		n := 0
		for e, err := range ds.All(context.Background()) {
			if err != nil {
				b.Fatal(err)
			}
			n += e.Get("label").Dim(0)
			if release {
				e.Release()
			}
		}
		if n != records {
			b.Fatalf("%d records, want %d", n, records)
		}
	}
	run("records-only", func(b *testing.B) {
		n := 0
		for _, err := range TFRecord([]string{path}).All(context.Background()) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != records {
			b.Fatalf("%d records", n)
		}
	})
	// The datasets are made once, as for the epochs of a training run.
	parseThenBatch := TFRecord([]string{path}).ParseExample(spec).Batch(128)
	run("parse-then-batch128", func(b *testing.B) {
		drain(b, parseThenBatch, false)
	})
	parseBatch := TFRecord([]string{path}).ParseExampleBatch(128, spec)
	run("parse-batch128", func(b *testing.B) {
		drain(b, parseBatch, true)
	})
	parallel := TFRecord([]string{path}).ParseExampleBatch(128, spec, Parallel(runtime.GOMAXPROCS(0)))
	run("parse-batch128-parallel-keep", func(b *testing.B) {
		drain(b, parallel, false)
	})
	run("parse-batch128-parallel", func(b *testing.B) {
		drain(b, parallel, true)
	})
	prefetch := TFRecord([]string{path}).ParseExampleBatch(128, spec, Parallel(Autotune)).Prefetch(2)
	run("parse-batch128-parallel-prefetch", func(b *testing.B) {
		drain(b, prefetch, true)
	})
	if seq := gbps["sequential-read"]; seq > 0 {
		for _, name := range []string{"records-only", "parse-then-batch128", "parse-batch128", "parse-batch128-parallel-keep", "parse-batch128-parallel", "parse-batch128-parallel-prefetch"} {
			b.Logf("%s: %.2f GB/s, %.2fx of a plain sequential read (%.2f GB/s)", name, gbps[name], gbps[name]/seq, seq)
		}
	}
}

// BenchmarkImagePipeline decodes 28×28 PNG files, flips them at random, normalises them
// to float32, batches them by 128 and prefetches, with decoding parallelism 1 and 2.
func BenchmarkImagePipeline(b *testing.B) {
	dir := b.TempDir()
	const perClass, classes = 512, 4
	rng := rand.New(rand.NewPCG(3, 4))
	for c := range classes {
		cdir := filepath.Join(dir, fmt.Sprint("class", c))
		if err := os.MkdirAll(cdir, 0o755); err != nil {
			b.Fatal(err)
		}
		for i := range perClass {
			img := image.NewGray(image.Rect(0, 0, 28, 28))
			for j := range img.Pix {
				img.Pix[j] = uint8(rng.IntN(256))
			}
			var buf bytes.Buffer
			png.Encode(&buf, img)
			if err := os.WriteFile(filepath.Join(cdir, fmt.Sprintf("%04d.png", i)), buf.Bytes(), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	flipNormalise := func(e Element, rng *rand.Rand) (Element, error) {
		src := tensor.Data[uint8](e.At(0))
		out := make([]float32, len(src))
		flip := rng.IntN(2) == 1
		for y := range 28 {
			for x := range 28 {
				sx := x
				if flip {
					sx = 27 - x
				}
				out[y*28+x] = float32(src[y*28+sx]) / 255
			}
		}
		return Tuple(tensor.Wrap(out, 28, 28, 1), e.At(1)), nil
	}
	for _, par := range []int{1, 2} {
		b.Run(fmt.Sprint("parallel-", par), func(b *testing.B) {
			ds := ImageFolder(dir, Channels(1), Parallel(par)).
				MapRandom(1, flipNormalise, Parallel(par)).
				Batch(128).
				Prefetch(2)
			n := 0
			for b.Loop() {
				for e, err := range ds.All(context.Background()) {
					if err != nil {
						b.Fatal(err)
					}
					n += e.At(0).Dim(0)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "images/s")
		})
	}
}

// BenchmarkSleepMap maps a function that sleeps 1 ms per element with parallelism 1 and
// 8: the parallel map should be about 8 times faster.
func BenchmarkSleepMap(b *testing.B) {
	sleep := func(e Element) (Element, error) {
		time.Sleep(time.Millisecond)
		return e, nil
	}
	const n = 200
	for _, par := range []int{1, 8, Autotune} {
		name := fmt.Sprint("parallel-", par)
		if par == Autotune {
			name = "parallel-autotune"
		}
		b.Run(name, func(b *testing.B) {
			ds := Range(0, n, 1).Map(sleep, Parallel(par))
			for b.Loop() {
				for _, err := range ds.All(context.Background()) {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "elements/s")
		})
	}
}
