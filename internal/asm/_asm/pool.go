package main

import (
	"fmt"
	"os"

	"github.com/mmcloughlin/avo/build"
)

// generatePool adds the pooling kernels of element type typ
// to ctx.
func generatePool(ctx *build.Context, typ string) {
	fmt.Fprintf(os.Stderr, "asm: no pool kernels for -type %q\n", typ)
	os.Exit(2)
}
