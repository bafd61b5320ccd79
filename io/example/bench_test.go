package example

import (
	"fmt"
	"testing"
)

// mnistLike returns a serialized Example shaped like an MNIST record: 784
// floats and a label.
func mnistLike(b *testing.B) []byte {
	px := make([]float32, 784)
	for i := range px {
		px[i] = float32(i%255) / 255
	}
	return marshal(b, Features{"image": FloatFeature(px...), "label": Int64Feature(7), "id": StringFeature("img-000123")})
}

func BenchmarkMarshal(b *testing.B) {
	var e Example
	if err := e.Unmarshal(mnistLike(b)); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = e.AppendMarshal(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkUnmarshal(b *testing.B) {
	in := mnistLike(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		var e Example
		if err := e.Unmarshal(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse parses batches of 128 examples into a reused Batch.
func BenchmarkParse(b *testing.B) {
	in := mnistLike(b)
	p, err := NewParser(Spec{"image": FixedLen(KindFloat, 28, 28), "label": FixedLen(KindInt64)})
	if err != nil {
		b.Fatal(err)
	}
	batch := p.NewBatch()
	const batchSize = 128
	b.SetBytes(int64(len(in) * batchSize))
	b.ReportAllocs()
	for b.Loop() {
		batch.Reset()
		for range batchSize {
			if err := p.Append(batch, in); err != nil {
				b.Fatal(err)
			}
		}
	}
	if n := len(batch.Get("image").Floats); n != batchSize*784 {
		b.Fatal(fmt.Sprint("batch holds ", n, " floats"))
	}
}
