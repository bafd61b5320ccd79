// Package data builds input pipelines: streaming, restartable datasets of tensors with
// parallel transforms, what tf.data is for TensorFlow.
//
// # Datasets and elements
//
// A [Dataset] is a recipe for a stream of [Element] values; each call to [Dataset.All]
// runs one pass (an epoch) as an iter.Seq2[Element, error]. An element is a single
// tensor, a tuple, or a named map of tensors (features and a label); [Element.Split]
// separates the label for a model. [Dataset.Spec] describes the elements (dtypes and
// shapes, [shape.Unknown] for sizes that vary, such as a batch dimension) without
// iterating.
//
// Sources: [FromTensorSlices], [FromNamedSlices], [FromTensors], [FromElements],
// [FromSlice], [Range], [Generator], [CSV], [TextLines], [TFRecord], [ImageFolder],
// [IDX], [ListFiles].
//
// Transforms, each returning a new dataset: [Dataset.Map], [Dataset.MapRandom],
// [Dataset.Filter], [Dataset.Shuffle], [Dataset.Batch], [Dataset.PaddedBatch],
// [Dataset.Unbatch], [Dataset.Rebatch], [Dataset.Repeat], [Dataset.Take],
// [Dataset.Skip], [Dataset.Cache], [Dataset.Prefetch], [Dataset.Interleave],
// [Dataset.FlatMap], [Zip], [Dataset.Concatenate], [Dataset.Shard], [Dataset.Window],
// [Dataset.Enumerate], [Dataset.GroupByWindow], [Dataset.BucketBySequenceLength],
// [Dataset.IgnoreErrors], [Dataset.Apply], and for tf.Example records
// [Dataset.ParseExample] and [Dataset.ParseExampleBatch].
//
// # CSV to batches
//
//	ds := data.CSV([]string{"train.csv"}, []data.Column{
//		{Name: "age", DType: dtype.Float32, Optional: true, Default: 30},
//		{Name: "fare", DType: dtype.Float32},
//		{Name: "survived", DType: dtype.Int64},
//	}).Shuffle(10000, 42).Batch(32).Prefetch(data.Autotune)
//	for batch, err := range ds.All(ctx) {
//		if err != nil { ... } // names the file, line and column of a bad field
//		x, y := batch.Split("survived")
//		...
//	}
//
// # TFRecord files of tf.Example
//
//	files := data.ListFiles("train-*.tfrecord").Shard(numWorkers, workerIndex)
//	spec := example.Spec{
//		"image": example.FixedLen(example.KindFloat, 28, 28),
//		"label": example.FixedLen(example.KindInt64),
//	}
//	ds := data.TFRecord(paths, data.Compression(tfrecord.GZIP), data.Parallel(4)).
//		Shuffle(10000, 1).
//		ParseExampleBatch(128, spec, data.Parallel(data.Autotune)).
//		Prefetch(2)
//
// [Dataset.ParseExampleBatch] parses a whole batch into its tensors at once; one record
// at a time, [Dataset.ParseExample] followed by [Dataset.Batch] gives the same batches.
// Straight after a [TFRecord] dataset read in sequence (unshuffled, one file after the
// other), ParseExampleBatch takes the fastest path: each batch's records are read in one
// large read into a reused buffer and checked and parsed on the Parallel goroutines,
// with no element per record.
//
// # Recycling batch memory
//
// Fresh memory is expensive: every new page of a batch tensor costs the operating
// system a page fault, and the garbage collector a cycle now and then. A consumer that
// is done with a batch (after the training step that used it) can hand its memory back
// with [Element.Release], and the parsing datasets reuse it for later batches:
//
//	for batch, err := range ds.All(ctx) {
//		...
//		step(batch)
//		batch.Release() // batch and its tensors must not be used from here on
//	}
//
// A batch that is not released is never overwritten; Release is the promise that
// nothing uses the batch any more. Only [Dataset.ParseExample] and
// [Dataset.ParseExampleBatch] recycle so far; for other elements Release does nothing.
//
// # Images from folders
//
//	ds := data.ImageFolder("flowers/", data.ImageSize(180, 180), data.Parallel(data.Autotune)).
//		Cache("").
//		Shuffle(1000, 7).
//		MapRandom(7, augment, data.Parallel(4)).
//		Batch(32).
//		Prefetch(2)
//
// Labels are the indices of the class subdirectories in sorted order ([ImageClasses]).
//
// # Parallelism and determinism
//
// [Parallel] runs a map (or the files of an interleave) on several goroutines;
// [Autotune] picks the level and raises it while that raises throughput. Results come in
// the order a sequential run gives, so the same seeds give the same stream of elements
// for any parallelism; [Deterministic](false) lets fast elements overtake slow ones
// instead. Random augmentation belongs in [Dataset.MapRandom], whose generator is seeded
// per element, so that it too is reproducible whatever the parallelism.
//
// # Errors
//
// Building a dataset never panics: a mistake (a batch size of 0, slices of different
// lengths) is kept, reported by [Dataset.Err] and yielded by iteration. While iterating,
// an error comes with an empty element. Per-element errors (a map function failed, a
// CSV field or a tf.Example did not parse, an image did not decode) leave the pass going;
// a damaged file yields an error naming the file and the byte offset, and that file ends.
// [Dataset.IgnoreErrors] skips errors and counts them in a [Skipped].
//
// # Goroutines
//
// Parallel maps, interleaves and prefetching run goroutines with bounded buffers. They
// belong to one pass: stopping early (break), a cancelled context, or the end of the pass
// stops them, and all have ended by the time the loop statement completes.
//
// # Strings
//
// Tide has no string dtype: file names, text lines and raw records travel as uint8
// vectors ([StringTensor], [TensorString]).
package data
