package example_test

import (
	"fmt"
	"log"

	"github.com/tideml/tide/io/example"
)

func ExampleExample_Marshal() {
	ex := example.Example{Features: example.Features{
		"label": example.Int64Feature(3),
		"name":  example.StringFeature("ab"),
		"x":     example.FloatFeature(1, 2),
	}}
	b, err := ex.Marshal()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d bytes: %x\n", len(b), b)
	// Output:
	// 53 bytes: 0a330a0e0a056c6162656c12051a030a01030a0e0a046e616d6512060a040a0261620a110a0178120c120a0a080000803f00000040
}

func ExampleExample_Unmarshal() {
	in, _ := (&example.Example{Features: example.Features{
		"label": example.Int64Feature(3),
		"x":     example.FloatFeature(1, 2),
	}}).Marshal()

	var ex example.Example
	if err := ex.Unmarshal(in); err != nil {
		log.Fatal(err)
	}
	x := ex.Features["x"]
	fmt.Println(x.Kind, x.Floats, ex.Features["label"].Int64s)
	// Output:
	// float_list [1 2] [3]
}

func ExampleParser() {
	p, err := example.NewParser(example.Spec{
		"pixels": example.FixedLen(example.KindFloat, 2, 2),
		"label":  example.FixedLen(example.KindInt64).WithDefault(example.Int64Feature(-1)),
		"tags":   example.VarLen(example.KindBytes),
	})
	if err != nil {
		log.Fatal(err)
	}
	batch := p.NewBatch()
	for i, fs := range []example.Features{
		{"pixels": example.FloatFeature(0, 1, 2, 3), "label": example.Int64Feature(7), "tags": example.StringFeature("a", "b")},
		{"pixels": example.FloatFeature(4, 5, 6, 7), "other": example.StringFeature("skipped")},
	} {
		rec, _ := (&example.Example{Features: fs}).Marshal()
		if err := p.Append(batch, rec); err != nil {
			log.Fatalf("example %d: %v", i, err)
		}
	}
	pixels, labels, tags := batch.Get("pixels"), batch.Get("label"), batch.Get("tags")
	fmt.Println("pixels", pixels.DenseShape(), pixels.Floats)
	fmt.Println("labels", labels.Int64s)
	fmt.Printf("tags %s at %v in %v\n", tags.Bytes, tags.SparseIndices(), tags.DenseShape())
	// Output:
	// pixels [2 2 2] [0 1 2 3 4 5 6 7]
	// labels [7 -1]
	// tags [a b] at [0 0 0 1] in [2 2]
}

func ExampleParse_error() {
	rec, _ := (&example.Example{Features: example.Features{
		"image": example.FloatFeature(make([]float32, 10)...),
	}}).Marshal()
	_, err := example.Parse(rec, example.Spec{"image": example.FixedLen(example.KindFloat, 28, 28)})
	fmt.Println(err)
	_, err = example.Parse(rec, example.Spec{"image": example.VarLen(example.KindInt64)})
	fmt.Println(err)
	// Output:
	// example: feature "image": want 784 floats, got 10
	// example: feature "image": want int64_list, got float_list
}

func ExampleSequenceParser() {
	seqEx := example.SequenceExample{
		Context: example.Features{"id": example.StringFeature("clip-1")},
		FeatureLists: example.FeatureLists{
			"frames": {example.FloatFeature(1, 2), example.FloatFeature(3, 4), example.FloatFeature(5, 6)},
			"words":  {example.Int64Feature(10), example.Int64Feature(), example.Int64Feature(11, 12)},
		},
	}
	rec, err := seqEx.Marshal()
	if err != nil {
		log.Fatal(err)
	}
	ctx, seq, err := example.ParseSequence(rec,
		example.Spec{"id": example.FixedLen(example.KindBytes)},
		example.Spec{
			"frames": example.FixedLenSequence(example.KindFloat, 2),
			"words":  example.VarLen(example.KindInt64),
		})
	if err != nil {
		log.Fatal(err)
	}
	frames, words := seq.Get("frames"), seq.Get("words")
	fmt.Printf("id %s\n", ctx.Get("id").Bytes[0])
	fmt.Println("frames", frames.DenseShape(), frames.Floats)
	fmt.Println("words", words.Int64s, "per step", words.RowLengths)
	// Output:
	// id clip-1
	// frames [1 3 2] [1 2 3 4 5 6]
	// words [10 11 12] per step [1 0 2]
}
