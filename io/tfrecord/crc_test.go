package tfrecord

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"testing"
)

func TestCRCVectors(t *testing.T) {
	if got := crc32.Checksum([]byte("123456789"), castagnoli); got != 0xe3069283 {
		t.Errorf("crc32c(123456789) = %#08x, want 0xe3069283", got)
	}
	if got := MaskedCRC([]byte("123456789")); got != 0xc78ab0e5 {
		t.Errorf("MaskedCRC(123456789) = %#08x, want 0xc78ab0e5", got)
	}
	for _, c := range []uint32{0, 1, 0xe3069283, 0xffffffff, 0x80000000, 0xa282ead8} {
		if got := unmask(mask(c)); got != c {
			t.Errorf("unmask(mask(%#x)) = %#x", c, got)
		}
	}
}

// specExample is the serialized tf.train.Example of the format specification.
const specExample = "0a330a0e0a056c6162656c12051a030a01030a0e0a046e616d6512060a040a0261620a110a0178120c120a0a080000803f00000040"

func TestAppendRecordVectors(t *testing.T) {
	tests := []struct {
		name, data, want string // hex
	}{
		{"empty", "", "0000000000000000" + "29039807" + "d8ea82a2"},
		{"hello", hex.EncodeToString([]byte("hello")), "0500000000000000" + "eab2043e" + "68656c6c6f" + "bb1f1c19"},
		{"example", specExample, "3500000000000000" + "d6c55de6" + specExample + "cf2e60ce"},
	}
	for _, tt := range tests {
		data := mustHex(t, tt.data)
		got := AppendRecord(nil, data)
		if hex.EncodeToString(got) != tt.want {
			t.Errorf("%s: AppendRecord = %x, want %s", tt.name, got, tt.want)
		}
		// The same bytes through a Writer, and back through a Reader.
		var buf bytes.Buffer
		w := NewWriter(&buf)
		if err := w.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(buf.Bytes()) != tt.want {
			t.Errorf("%s: Writer wrote %x, want %s", tt.name, buf.Bytes(), tt.want)
		}
		r := NewReader(bytes.NewReader(mustHex(t, tt.want)))
		rec, err := r.Next()
		if err != nil || !bytes.Equal(rec, data) {
			t.Errorf("%s: Next = %x, %v; want %x", tt.name, rec, err, data)
		}
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCRCTableIsAccelerated checks that the table is hash/crc32's own Castagnoli table:
// Update takes the CRC32-instruction path only for that very table, and a table made
// any other way would be computed byte by byte, an order of magnitude slower.
func TestCRCTableIsAccelerated(t *testing.T) {
	if castagnoli != crc32.MakeTable(crc32.Castagnoli) {
		t.Fatal("castagnoli is not the table hash/crc32 accelerates")
	}
}

func BenchmarkMaskedCRC(b *testing.B) {
	for _, n := range []int{8, 3200, 1 << 20} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			p := bytes.Repeat([]byte{0x5a}, n)
			b.SetBytes(int64(n))
			for b.Loop() {
				MaskedCRC(p)
			}
		})
	}
}
