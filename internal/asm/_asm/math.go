package main

import (
	"fmt"
	"os"

	"github.com/mmcloughlin/avo/build"
)

// generateMath adds the transcendental-function kernels of element type typ
// to ctx.
func generateMath(ctx *build.Context, typ string) {
	fmt.Fprintf(os.Stderr, "asm: no math kernels for -type %q\n", typ)
	os.Exit(2)
}
