package tfrecord

import (
	"encoding/binary"
	"hash/crc32"
)

// castagnoli is the CRC-32C table; hash/crc32 recognises it and uses the
// CPU's CRC32 instruction where there is one.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maskDelta is added to the rotated CRC. Masking exists because computing the
// CRC of a string that itself contains embedded CRCs is weak; TensorFlow and
// LevelDB use the same constant.
const maskDelta = 0xa282ead8

// headerSize is the size of the length field and its CRC; footerSize is the
// size of the data CRC.
const (
	headerSize = 12
	footerSize = 4
)

// MaskedCRC returns the masked CRC-32C of b, the checksum TFRecord stores
// after the length field and after the data.
func MaskedCRC(b []byte) uint32 {
	return mask(crc32.Checksum(b, castagnoli))
}

func mask(c uint32) uint32 {
	return (c>>15 | c<<17) + maskDelta
}

func unmask(m uint32) uint32 {
	r := m - maskDelta
	return r>>17 | r<<15
}

// AppendRecord appends data framed as one TFRecord record to dst and returns
// the extended slice. It is the in-memory form of [Writer.Write].
func AppendRecord(dst, data []byte) []byte {
	var hdr [headerSize]byte
	putHeader(&hdr, len(data))
	dst = append(dst, hdr[:]...)
	dst = append(dst, data...)
	return binary.LittleEndian.AppendUint32(dst, MaskedCRC(data))
}

// putHeader writes the length field of an n-byte record and its masked CRC.
func putHeader(hdr *[headerSize]byte, n int) {
	binary.LittleEndian.PutUint64(hdr[:8], uint64(n))
	binary.LittleEndian.PutUint32(hdr[8:], MaskedCRC(hdr[:8]))
}
