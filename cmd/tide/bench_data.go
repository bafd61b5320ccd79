package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tideml/tide/data"
	"github.com/tideml/tide/io/example"
	"github.com/tideml/tide/io/tfrecord"
	"github.com/tideml/tide/tensor"
)

// The input-pipeline cases. data/tfrecord/read_256mb reads a 256 MB TFRecord file of
// MNIST-like tf.Examples through the pipeline (read, parse, batch by 128) and
// data/raw_read_256mb reads the same file plainly: both report GB/s of file bytes, so
// their ratio is the pipeline's efficiency. The image and sleeping-map cases measure the
// parallelism of decoding and of maps that wait.
func init() {
	size := float64(benchExampleRecords() * benchExampleFrameSize())
	moreBenchCases = append(moreBenchCases,
		benchCase{name: "data/raw_read_256mb", bytes: size, setup: dataRawReadCase},
		benchCase{name: "data/tfrecord/read_256mb", bytes: size, setup: dataTFRecordCase},
		benchCase{name: "data/image_png28_b128/parallel1", samples: benchImageFiles, setup: dataImageCase(1)},
		benchCase{name: "data/image_png28_b128/parallel2", samples: benchImageFiles, setup: dataImageCase(2)},
		benchCase{name: "data/map_sleep1ms/parallel1", samples: benchSleepElements, setup: dataSleepMapCase(1)},
		benchCase{name: "data/map_sleep1ms/parallel8", samples: benchSleepElements, setup: dataSleepMapCase(8)},
	)
}

// benchTemp holds the temporary directories of the data cases, made once per run and
// shared by the cases that read the same files. benchCase has no cleanup hook and main
// ends with os.Exit, so nothing here runs at exit by itself: removeBenchTemp should be
// called when the cases are done (runBench can defer it). Until it is, a run that ends
// without it leaves its directory behind, and the next run removes it (see sweepBenchTemp).
var benchTemp struct {
	sync.Mutex
	dirs map[string]string // by what the directory holds
}

// benchDir returns the temporary directory for what, filling it with fill the first time.
func benchDir(what string, fill func(dir string) error) (string, error) {
	benchTemp.Lock()
	defer benchTemp.Unlock()
	if dir, ok := benchTemp.dirs[what]; ok {
		return dir, nil
	}
	sweepBenchTemp()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-%s-", benchTempPrefix, os.Getpid(), what))
	if err != nil {
		return "", err
	}
	if err := fill(dir); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	if benchTemp.dirs == nil {
		benchTemp.dirs = map[string]string{}
	}
	benchTemp.dirs[what] = dir
	return dir, nil
}

// benchTempPrefix starts the names of the temporary directories, followed by the id of
// the process that made them.
const benchTempPrefix = "tide-bench-data-"

// sweepBenchTemp removes the temporary directories that earlier runs left behind: those
// whose process has ended.
func sweepBenchTemp() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), benchTempPrefix+"*"))
	for _, dir := range dirs {
		var pid int
		if _, err := fmt.Sscanf(strings.TrimPrefix(filepath.Base(dir), benchTempPrefix), "%d-", &pid); err != nil || pid == os.Getpid() {
			continue
		}
		if !benchProcessAlive(pid) {
			os.RemoveAll(dir)
		}
	}
}

// benchProcessAlive reports whether process pid may still be running.
func benchProcessAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false // on Windows, where this is the check
	}
	if runtime.GOOS == "windows" {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// removeBenchTemp removes the temporary directories of the data cases.
func removeBenchTemp() error {
	benchTemp.Lock()
	defer benchTemp.Unlock()
	var errs []error
	for what, dir := range benchTemp.dirs {
		errs = append(errs, os.RemoveAll(dir))
		delete(benchTemp.dirs, what)
	}
	return errors.Join(errs...)
}

// The example file: records of a 784-float "image" and an int64 "label" (0 to 9, so
// that every record has the same size), to 256 MB.
const benchExampleFileBytes = 256 << 20

var benchExampleSpec = example.Spec{
	"image": example.FixedLen(example.KindFloat, 784),
	"label": example.FixedLen(example.KindInt64),
}

// benchExampleRecord appends record i of the example file to dst.
func benchExampleRecord(dst []byte, pix []float32, rng *rand.Rand, i int) ([]byte, error) {
	for j := range pix {
		pix[j] = rng.Float32()
	}
	ex := example.Example{Features: example.Features{
		"image": example.FloatFeature(pix...),
		"label": example.Int64Feature(int64(i % 10)),
	}}
	return ex.AppendMarshal(dst)
}

// benchExampleFrameSize returns the framed size of one record.
func benchExampleFrameSize() int {
	rec, err := benchExampleRecord(nil, make([]float32, 784), rand.New(rand.NewPCG(0, 0)), 0)
	if err != nil {
		panic(err) // a fixed, valid Example
	}
	return len(tfrecord.AppendRecord(nil, rec))
}

func benchExampleRecords() int {
	f := benchExampleFrameSize()
	return (benchExampleFileBytes + f - 1) / f
}

// benchExampleFile returns the path of the example file, writing it the first time.
func benchExampleFile() (string, error) {
	dir, err := benchDir("tfrecord", func(dir string) error {
		w, err := tfrecord.Create(filepath.Join(dir, "examples.tfrecord"))
		if err != nil {
			return err
		}
		rng := rand.New(rand.NewPCG(1, 2))
		pix := make([]float32, 784)
		var rec []byte
		for i := range benchExampleRecords() {
			if rec, err = benchExampleRecord(rec[:0], pix, rng, i); err != nil {
				break
			}
			if err = w.Write(rec); err != nil {
				break
			}
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		return err
	})
	return filepath.Join(dir, "examples.tfrecord"), err
}

// dataRawReadCase reads the example file sequentially into a reused 256 KiB buffer, the size
// of the TFRecord reader's buffer: the most any reader of the file can do.
func dataRawReadCase(benchConfig) (func() error, error) {
	path, err := benchExampleFile()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, 256<<10)
	want := int64(benchExampleRecords() * benchExampleFrameSize())
	return func() error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		var n int64
		for {
			k, err := f.Read(buf)
			n += int64(k)
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
		}
		if n != want {
			return fmt.Errorf("read %d bytes, want %d", n, want)
		}
		return nil
	}, nil
}

// dataTFRecordCase reads the example file through the pipeline: records parsed into
// batches of 128, on as many goroutines as -threads gives. The loop releases each batch
// when done with it, as a training loop does after its step, so that the batches'
// memory is reused.
func dataTFRecordCase(benchConfig) (func() error, error) {
	path, err := benchExampleFile()
	if err != nil {
		return nil, err
	}
	var opts []data.Option
	if p := runtime.GOMAXPROCS(0); p > 1 {
		opts = append(opts, data.Parallel(p))
	}
	ds := data.TFRecord([]string{path}).ParseExampleBatch(128, benchExampleSpec, opts...)
	want := benchExampleRecords()
	return func() error {
		n := 0
		for e, err := range ds.All(context.Background()) {
			if err != nil {
				return err
			}
			n += e.Get("label").Dim(0)
			e.Release() // done with the batch: its memory parses a later one
		}
		if n != want {
			return fmt.Errorf("read %d records, want %d", n, want)
		}
		return nil
	}, nil
}

// benchImageFiles is the number of 28×28 grayscale PNG files the image cases decode per call,
// in 4 class directories.
const benchImageFiles = 2048

// dataImageCase decodes the PNG files, flips each at random, normalises it to
// float32 in [0, 1], batches by 128 and prefetches, decoding and mapping with the given
// parallelism.
func dataImageCase(parallel int) func(benchConfig) (func() error, error) {
	return func(benchConfig) (func() error, error) {
		dir, err := benchDir("png", writeBenchImages)
		if err != nil {
			return nil, err
		}
		ds := data.ImageFolder(dir, data.Channels(1), data.Parallel(parallel)).
			MapRandom(1, benchFlipNormalise, data.Parallel(parallel)).
			Batch(128).
			Prefetch(2)
		return func() error {
			n := 0
			for e, err := range ds.All(context.Background()) {
				if err != nil {
					return err
				}
				n += e.At(0).Dim(0)
			}
			if n != benchImageFiles {
				return fmt.Errorf("%d images, want %d", n, benchImageFiles)
			}
			return nil
		}, nil
	}
}

func writeBenchImages(dir string) error {
	const classes = 4
	rng := rand.New(rand.NewPCG(3, 4))
	img := image.NewGray(image.Rect(0, 0, 28, 28))
	var buf bytes.Buffer
	for i := range benchImageFiles {
		cdir := filepath.Join(dir, fmt.Sprint("class", i%classes))
		if err := os.MkdirAll(cdir, 0o755); err != nil {
			return err
		}
		for j := range img.Pix {
			img.Pix[j] = uint8(rng.IntN(256))
		}
		buf.Reset()
		if err := png.Encode(&buf, img); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(cdir, fmt.Sprintf("%04d.png", i)), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// benchFlipNormalise flips a 28×28×1 uint8 image left to right with probability 1/2 and
// scales it to float32 in [0, 1].
func benchFlipNormalise(e data.Element, rng *rand.Rand) (data.Element, error) {
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
	return data.Tuple(tensor.Wrap(out, 28, 28, 1), e.At(1)), nil
}

// benchSleepElements is the number of elements the sleeping-map cases map per call.
const benchSleepElements = 64

// dataSleepMapCase maps a function that sleeps 1 ms over benchSleepElements elements with the
// given parallelism: a map that waits (on I/O, say) should speed up with parallelism
// even beyond the number of threads.
func dataSleepMapCase(parallel int) func(benchConfig) (func() error, error) {
	return func(benchConfig) (func() error, error) {
		ds := data.Range(0, benchSleepElements, 1).Map(func(e data.Element) (data.Element, error) {
			time.Sleep(time.Millisecond)
			return e, nil
		}, data.Parallel(parallel))
		return func() error {
			n := 0
			for _, err := range ds.All(context.Background()) {
				if err != nil {
					return err
				}
				n++
			}
			if n != benchSleepElements {
				return fmt.Errorf("%d elements, want %d", n, benchSleepElements)
			}
			return nil
		}, nil
	}
}
