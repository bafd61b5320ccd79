// Package tfrecord reads and writes TFRecord files, the record container that
// TensorFlow uses for training data (tf.data.TFRecordDataset) and that
// TensorBoard event files share.
//
// # Format
//
// A TFRecord file is a plain sequence of records with nothing before or after
// them. Each record is framed as
//
//	uint64  length                       little-endian payload byte count
//	uint32  masked CRC-32C of the 8 length bytes
//	byte    data[length]
//	uint32  masked CRC-32C of data
//
// where the CRC is Castagnoli's CRC-32 and the mask is
// ((c >> 15) | (c << 17)) + 0xa282ead8. [MaskedCRC] computes it and
// [AppendRecord] frames one record in memory. Payloads are opaque bytes;
// for datasets they are almost always serialized tf.train.Example protos,
// which package [github.com/tideml/tide/io/example] encodes and decodes.
//
// # Compression
//
// [GZIP] and [ZLIB] compress the whole framed byte stream, not each record,
// exactly as TensorFlow's TFRecordOptions do, so a file written here with
// [WithCompression] is read by TensorFlow and the other way round. The reader
// is told the compression explicitly: like TensorFlow it never sniffs it.
// Offsets reported by a [Reader] of a compressed file are offsets in the
// decompressed stream.
//
// # Reading
//
// [Reader.Next] returns one record at a time and [io.EOF] at a clean end.
// Both CRCs of every record are checked by default. A damaged or cut file
// gives a [*RecordError] naming the file (when known), the byte offset of the
// record and what was wrong, for example
//
//	tfrecord: train.tfrecord: corrupt record at offset 1234: data crc mismatch (stored 0x1f2e3d4c, computed 0x5a6b7c8d)
//
// and errors.Is reports it as [ErrCorrupt] or [ErrTruncated]. Reading never
// panics, whatever the bytes, and a hostile length field cannot make the
// reader allocate much more memory than the input really holds: long records
// are read in growing chunks and fail at the end of the input.
//
// Reads are buffered; with [WithReuseBuffer] a [Reader] returns each record
// in memory it reuses and neither allocates nor copies per record.
// [Records] and [Reader.All] wrap the loop as an [iter.Seq2].
//
// [Reader.ReadChunk] reads many records at once into a reused [Chunk]: the
// stream is read straight into the chunk's buffer in one large read sized to
// the records it will hold, with both CRCs checked, so that reading costs
// little more than a plain sequential read of the file and the chunk can be
// handed to another goroutine to decode while the next is read. This is how
// the data pipeline parses TFRecord files in parallel; with
// [WithDeferredDataCheck] it leaves the data CRCs to [Chunk.Verify] on the
// decoding goroutines, so that they share that cost. The CRCs use
// hash/crc32's Castagnoli table, which runs on the CPU's CRC32 instruction
// where there is one (SSE 4.2 on amd64, the CRC extension on arm64).
//
// # Writing
//
// [NewWriter] frames records onto any [io.Writer]. [Create] and [WriteFile]
// write a file through a temporary name in the same directory and rename it
// into place on [Writer.Close], so a crash or an error never leaves a torn
// file under the final name. [ShardName] spells sharded file names the way
// TensorFlow does (train-00003-of-00010).
//
// # Test data
//
// No TensorFlow build exists among the Debian packages this project can
// install, so the files in testdata/ were not written by TensorFlow itself.
// They come from an implementation independent of this one (Python's struct,
// gzip and zlib modules and the crc32c module), driven by the generator
// script beside them; testdata/README says more. The byte-level vectors of
// the format specification are checked separately.
package tfrecord
