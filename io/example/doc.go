// Package example encodes and decodes tf.train.Example and
// tf.train.SequenceExample, the protocol buffers that TensorFlow datasets
// store in TFRecord files (package [github.com/tideml/tide/io/tfrecord]),
// and parses their features into flat Go slices the way
// tf.io.parse_example does.
//
// # Types
//
// A [Feature] is a list of byte strings, float32 values or int64 values,
// with a [Kind] saying which; [Features] maps names to features; an
// [Example] holds one Features and a [SequenceExample] adds
// [FeatureLists], one Feature per time step. Build features with
// [FloatFeature], [Int64Feature], [BytesFeature] and [StringFeature]:
//
//	ex := example.Example{Features: example.Features{
//		"image": example.FloatFeature(pixels...),
//		"label": example.Int64Feature(7),
//	}}
//	b, err := ex.Marshal()
//
// # Wire format
//
// [Example.Marshal] and [Example.AppendMarshal] write protobuf's
// deterministic encoding: map keys sorted, float and int64 lists packed,
// so the bytes match those of TensorFlow's protobuf runtime with
// deterministic serialization. [Example.Unmarshal] accepts anything a
// protobuf parser does: packed or unpacked lists in any mix, map entries
// in any order (the last entry of a key wins), oneof members overriding
// each other, and unknown fields, which it skips. Neither decoding nor
// parsing ever panics, whatever the bytes; errors name the feature and
// what was malformed.
//
// # Parsing
//
// A [Parser] takes the fast path that training input pipelines want: it
// reads the features of a [Spec] straight from serialized bytes, skipping
// the others, and appends their values to a [Batch], where the values of
// many examples lie back to back, ready to become one tensor. A Spec says,
// per key, what tf.io.parse_example's feature configurations say:
//
//	spec := example.Spec{
//		"image": example.FixedLen(example.KindFloat, 28, 28),                            // tf.io.FixedLenFeature([28, 28], tf.float32)
//		"label": example.FixedLen(example.KindInt64).WithDefault(example.Int64Feature(0)), // default_value=0
//		"tags":  example.VarLen(example.KindBytes),                                       // tf.io.VarLenFeature(tf.string)
//		"boxes": example.FixedLenSequence(example.KindFloat, 4).WithAllowMissing(),       // FixedLenSequenceFeature([4], allow_missing=True)
//	}
//
// A missing FixedLen feature takes its default or is an error; a present
// one must have exactly its shape's number of values; a kind that differs
// from the spec's is an error. [Values] report per example how many values
// or rows each feature had, from which [Values.DenseShape] and
// [Values.SparseIndices] give TensorFlow's dense and sparse shapes.
// [SequenceParser] does the same for SequenceExamples, with context and
// sequence specs.
//
// The records of one file are usually laid out alike on the wire: the same
// features, encoded the same way, with values of the same sizes. Once a
// Batch has parsed such a record, [Parser.Append] checks that the next one
// has the same bytes outside the values of the spec's features and then
// decodes those values from where the last record had them, without walking
// the nested messages again; the results are those of the general path.
package example
