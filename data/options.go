package data

import (
	"runtime"

	"github.com/tideml/tide/io/tfrecord"
)

// Autotune, given to [Parallel] or [Dataset.Prefetch], lets the dataset choose the level
// itself while it runs.
const Autotune = -1

// Option configures a transform or a source. One option type serves them all; each
// function's doc comment lists the options it honours, and others are ignored.
type Option func(*options)

type options struct {
	parallel      int  // 0: sequential
	nondet        bool // Deterministic(false)
	dropRemainder bool
	noReshuffle   bool
	padValue      float64
	padShapes     map[int][]int
	buffer        int
	outSpec       *Spec
	csvNoHeader   bool
	csvDelim      rune
	csvNA         []string
	compression   tfrecord.Compression
	imageSize     [2]int
	channels      int
}

// spec returns the spec given by OutputSpec, or the empty spec.
func (o *options) spec() Spec {
	if o.outSpec == nil {
		return Spec{}
	}
	return *o.outSpec
}

func newOptions(opts []Option) options {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// Parallel sets how many elements a transform works on at once (a number of goroutines),
// or [Autotune] to let it pick and adjust the level while it runs. Levels below 1 other
// than Autotune mean sequential. Honoured by [Dataset.Map], [Dataset.MapRandom],
// [Dataset.Interleave] and the decoding of [ImageFolder] and [TFRecord] files.
func Parallel(n int) Option { return func(o *options) { o.parallel = n } }

// Deterministic says whether a parallel transform must produce elements in the order a
// sequential one would (true, the default) or may emit each as soon as it is ready,
// trading a reproducible order for throughput when element costs vary. Honoured by
// [Dataset.Map], [Dataset.MapRandom] and [Dataset.Interleave].
func Deterministic(on bool) Option { return func(o *options) { o.nondet = !on } }

// DropRemainder makes [Dataset.Batch], [Dataset.PaddedBatch], [Dataset.Rebatch] and
// [Dataset.Window] drop a last group smaller than the others, so every batch has the
// same, known size.
func DropRemainder() Option { return func(o *options) { o.dropRemainder = true } }

// Reshuffle says whether [Dataset.Shuffle] draws a new order on every pass (true, the
// default) or repeats the first pass's order.
func Reshuffle(on bool) Option { return func(o *options) { o.noReshuffle = !on } }

// PadValue sets the value [Dataset.PaddedBatch] and [Dataset.BucketBySequenceLength]
// pad with, converted to each tensor's dtype (default 0).
func PadValue(v float64) Option { return func(o *options) { o.padValue = v } }

// PaddedShape makes [Dataset.PaddedBatch] pad component i to dims rather than to the
// longest element of the batch; a dimension of -1 still pads to the longest.
func PaddedShape(i int, dims ...int) Option {
	return func(o *options) {
		if o.padShapes == nil {
			o.padShapes = map[int][]int{}
		}
		o.padShapes[i] = dims
	}
}

// Buffer sets how many finished elements a parallel transform may hold ahead of its
// consumer (default twice its parallelism).
func Buffer(n int) Option { return func(o *options) { o.buffer = n } }

// OutputSpec declares the spec of the elements a [Dataset.Map] or [Dataset.MapRandom]
// function returns, so that [Dataset.Spec] and the transforms after it know it. Each
// result is checked against it, and a mismatch is an error naming the element.
func OutputSpec(s Spec) Option { return func(o *options) { o.outSpec = &s } }

// workers returns the starting number of goroutines for a parallelism setting and the
// most that autotuning may grow it to.
func workers(parallel int) (start, most int) {
	switch {
	case parallel == Autotune:
		p := runtime.GOMAXPROCS(0)
		return p, max(4*p, 16)
	case parallel < 1:
		return 1, 1
	}
	return parallel, parallel
}
