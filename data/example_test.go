package data_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/tideml/tide/data"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/io/example"
	"github.com/tideml/tide/io/tfrecord"
	"github.com/tideml/tide/tensor"
)

func ExampleFromTensorSlices() {
	x := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 5, 2)
	y := tensor.FromSlice([]int64{0, 1, 0, 1, 1})
	ds := data.FromTensorSlices(x, y).Batch(2)
	fmt.Println(ds.Spec())
	for batch, err := range ds.All(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(batch.At(0).Shape(), batch.At(1).Int64s())
	}
	// Output:
	// (float32[? 2], int64[?])
	// [2 2] [0 1]
	// [2 2] [0 1]
	// [1 2] [1]
}

func ExampleDataset_Map() {
	square := func(e data.Element) (data.Element, error) {
		v := e.Tensor().Int64s()[0]
		return data.Single(tensor.Scalar(v * v)), nil
	}
	// Four goroutines; the order is still that of a sequential map.
	ds := data.Range(0, 6, 1).Map(square, data.Parallel(4)).Batch(3)
	for b, err := range ds.All(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(b.Tensor().Int64s())
	}
	// Output:
	// [0 1 4]
	// [9 16 25]
}

func ExampleDataset_Shuffle() {
	ds := data.Range(0, 8, 1).Shuffle(8, 42)
	for range 2 { // each pass draws a new order; the same seed gives the same orders
		var order []int64
		for e, err := range ds.All(context.Background()) {
			if err != nil {
				log.Fatal(err)
			}
			order = append(order, e.Tensor().Int64s()[0])
		}
		fmt.Println(len(order))
	}
	// Output:
	// 8
	// 8
}

func ExampleDataset_MapRandom() {
	flip := func(e data.Element, rng *rand.Rand) (data.Element, error) {
		if rng.IntN(2) == 0 {
			return e, nil
		}
		return data.Single(tensor.Scalar(-e.Tensor().Int64s()[0])), nil
	}
	a, _ := data.Range(1, 6, 1).MapRandom(3, flip).Collect(context.Background())
	b, _ := data.Range(1, 6, 1).MapRandom(3, flip, data.Parallel(8)).Collect(context.Background())
	fmt.Println(fmt.Sprint(a) == fmt.Sprint(b))
	// Output:
	// true
}

func ExampleDataset_PaddedBatch() {
	seqs := data.FromElements(
		data.Single(tensor.FromSlice([]int64{1})),
		data.Single(tensor.FromSlice([]int64{2, 3, 4})),
		data.Single(tensor.FromSlice([]int64{5, 6})),
	)
	for b, err := range seqs.PaddedBatch(3).All(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(b.Tensor())
	}
	// Output:
	// [[1 0 0]
	//  [2 3 4]
	//  [5 6 0]]
}

func ExampleCSV() {
	dir, _ := os.MkdirTemp("", "csv")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "train.csv")
	os.WriteFile(path, []byte("fare,age,survived\n7.25,22,0\n71.3,,1\n8.05,35,1\n"), 0o644)

	ds := data.CSV([]string{path}, []data.Column{
		{Name: "age", DType: dtype.Float32, Optional: true, Default: 30},
		{Name: "fare", DType: dtype.Float32},
		{Name: "survived", DType: dtype.Int64},
	}).Batch(2)
	for batch, err := range ds.All(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		x, y := batch.Split("survived")
		fmt.Println(x.Get("age").Float32s(), x.Get("fare").Float32s(), y.Int64s())
	}
	// Output:
	// [22 30] [7.25 71.3] [0 1]
	// [35] [8.05] [1]
}

func ExampleTFRecord() {
	dir, _ := os.MkdirTemp("", "tfrecord")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "train.tfrecord")
	var recs [][]byte
	for i := range 5 {
		ex := example.Example{Features: example.Features{
			"x":     example.FloatFeature(float32(i), float32(i)/2),
			"label": example.Int64Feature(int64(i % 2)),
		}}
		b, _ := ex.Marshal()
		recs = append(recs, b)
	}
	if err := tfrecord.WriteFile(path, recs, tfrecord.WithCompression(tfrecord.GZIP)); err != nil {
		log.Fatal(err)
	}

	spec := example.Spec{
		"x":     example.FixedLen(example.KindFloat, 2),
		"label": example.FixedLen(example.KindInt64),
	}
	ds := data.TFRecord([]string{path}, data.Compression(tfrecord.GZIP)).ParseExampleBatch(2, spec)
	fmt.Println(ds.Spec())
	for b, err := range ds.All(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(b.Get("x").Float32s(), b.Get("label").Int64s())
	}
	// Output:
	// {label: int64[?], x: float32[? 2]}
	// [0 0 1 0.5] [0 1]
	// [2 1 3 1.5] [0 1]
	// [4 2] [0]
}

func ExampleImageFolder() {
	dir, _ := os.MkdirTemp("", "images")
	defer os.RemoveAll(dir)
	for i, class := range []string{"cats", "dogs", "dogs"} {
		os.MkdirAll(filepath.Join(dir, class), 0o755)
		img := image.NewGray(image.Rect(0, 0, 4, 4))
		img.SetGray(0, 0, color.Gray{Y: uint8(100 * i)})
		f, _ := os.Create(filepath.Join(dir, class, fmt.Sprintf("%d.png", i)))
		png.Encode(f, img)
		f.Close()
	}
	classes, _ := data.ImageClasses(dir)
	ds := data.ImageFolder(dir, data.ImageSize(2, 2), data.Channels(1), data.Parallel(2)).Batch(8)
	fmt.Println(classes, ds.Spec())
	for b, err := range ds.All(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(b.At(0).Shape(), b.At(1).Int64s())
	}
	// Output:
	// [cats dogs] (uint8[? 2 2 1], int64[?])
	// [3 2 2 1] [0 1 1]
}

func ExampleDataset_IgnoreErrors() {
	check := func(e data.Element) (data.Element, error) {
		if e.Tensor().Int64s()[0]%3 == 0 {
			return data.Element{}, fmt.Errorf("multiple of three")
		}
		return e, nil
	}
	var skipped data.Skipped
	ds := data.Range(0, 10, 1).Map(check).IgnoreErrors(&skipped).Batch(10)
	for b, err := range ds.All(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(b.Tensor().Int64s())
	}
	fmt.Println("skipped", skipped.Count())
	// Output:
	// [1 2 4 5 7 8]
	// skipped 4
}

func ExampleDataset_Interleave() {
	// Three "files" of different lengths, two read at a time, one element from each in turn.
	files := data.Range(1, 4, 1)
	read := func(e data.Element) *data.Dataset {
		n := e.Tensor().Int64s()[0]
		return data.Range(10*n, 10*n+n, 1)
	}
	ds := files.Interleave(read, 2, 1, data.Parallel(2)).Batch(10)
	b, _ := ds.Collect(context.Background())
	fmt.Println(b[0].Tensor().Int64s())
	// Output:
	// [10 20 21 30 31 32]
}

func ExampleElement_Release() {
	dir, _ := os.MkdirTemp("", "release")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "train.tfrecord")
	var recs [][]byte
	for i := range 6 {
		b, _ := (&example.Example{Features: example.Features{"x": example.FloatFeature(float32(i))}}).Marshal()
		recs = append(recs, b)
	}
	if err := tfrecord.WriteFile(path, recs); err != nil {
		log.Fatal(err)
	}

	spec := example.Spec{"x": example.FixedLen(example.KindFloat)}
	ds := data.TFRecord([]string{path}).ParseExampleBatch(2, spec)
	var kept *tensor.Tensor
	for b, err := range ds.All(context.Background()) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(b.Get("x").Float32s())
		if kept == nil {
			kept = b.Get("x") // kept, so never released
			continue
		}
		b.Release() // done with it: its memory parses a later batch
	}
	fmt.Println("kept:", kept.Float32s())
	// Output:
	// [0 1]
	// [2 3]
	// [4 5]
	// kept: [0 1]
}
