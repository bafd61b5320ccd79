package philox_test

import (
	"fmt"

	"github.com/tideml/tide/internal/philox"
)

func ExampleUint32sAt() {
	key := philox.KeyFromSeed(0)
	all := make([]uint32, 8)
	philox.Uint32s(key, 0, all)

	// Two workers fill the halves of the same range independently.
	part := make([]uint32, 8)
	philox.Uint32sAt(key, 0, 0, part[:3])
	philox.Uint32sAt(key, 0, 3, part[3:])

	fmt.Printf("%08x\n", all)
	fmt.Println(fmt.Sprint(all) == fmt.Sprint(part))
	// Output:
	// [6627e8d5 e169c58d bc57ac4c 9b00dbd8 f8e4cca4 5cb200db b1a574eb 097eff67]
	// true
}

func ExampleNormal32() {
	w := philox.Block([4]uint32{0, 0, 7, 0}, philox.KeyFromSeed(42))
	u := philox.Float32(w[0])
	z0, z1 := philox.Normal32(w[2], w[3])
	fmt.Printf("%.6f %.6f %.6f\n", u, z0, z1)
	// Output:
	// 0.405982 -0.658450 1.132866
}
