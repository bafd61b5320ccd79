package tide_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// layers gives each package (by import path below the module) its layer: ten times its layer in
// DESIGN.md, plus a small offset where packages of one DESIGN layer depend on each other. A package
// may import only packages of lower layers; the longest matching prefix decides.
//
// Deviations from DESIGN.md: the kernel registry lives in core (an op owns its kernels);
// kernels/ref holds the shared reference loops that the reference kernels, written beside each
// op's declaration in ops, are built from — so kernels/ref sits below core and ops; and the
// graph passes and executor live in package graph itself (one file each), which sits just above
// autodiff because control-flow gradients use it.
var layers = map[string]int{
	"internal/errs":      0,
	"internal/asm":       0,
	"internal/parallel":  0,
	"internal/vmath":     0,
	"dtype":              1,
	"internal/philox":    2,
	"internal/gemm":      2,
	"shape":              10,
	"tensor":             20,
	"internal/pooltest":  21, // the tests' pool setup: above tensor, used by test packages only
	"kernels/ref":        25,
	"core":               30,
	"ops":                40,
	"ops/conformance":    45,
	"kernels":            50,
	"autodiff":           60,
	"graph":              65,
	"autodiff/gradcheck": 70,
	"io":                 80,
	"nn":                 80,
	"optim":              80,
	"losses":             80,
	"metrics":            82, // may use losses (a loss as a metric)
	"data":               85,
	"models":             90,
	"datasets":           90,
	"applications":       92, // builds on models
	"board":              100,
	"serve":              100,
	"lite":               100,
	"distribute":         100,
	"cmd":                110,
	"examples":           110,
}

// sameLayerOK lists imports allowed within one layer (a package and its helpers).
var sameLayerOK = map[[2]string]bool{
	// vmath's float32 exp, log, tanh and sigmoid run the assembly kernels of internal/asm/f32,
	// a leaf below it that imports nothing of Tide's.
	{module + "/internal/vmath", module + "/internal/asm/f32"}: true,
}

const module = "github.com/tideml/tide"

func layerOf(pkg string) (int, bool) {
	rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
	best, layer := -1, 0
	for prefix, l := range layers {
		if (rel == prefix || strings.HasPrefix(rel, prefix+"/")) && len(prefix) > best {
			best, layer = len(prefix), l
		}
	}
	return layer, best >= 0
}

func TestImportsPointDownwards(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	n := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.ImportPath == module {
			continue
		}
		n++
		from, ok := layerOf(p.ImportPath)
		if !ok {
			t.Errorf("package %s has no layer in the architecture table", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			to, _ := layerOf(imp)
			if to >= from && !sameLayerOK[[2]string{p.ImportPath, imp}] && !sameSubtree(p.ImportPath, imp) {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports must point downwards", p.ImportPath, from, imp, to)
			}
		}
	}
	if n < 8 {
		t.Fatalf("only %d packages listed", n)
	}
}

// sameSubtree allows a package to import its own subpackages or parent within one layer
// (io/example importing io/internal helpers, say), which the table cannot order.
func sameSubtree(a, b string) bool {
	la, _ := layerOf(a)
	lb, _ := layerOf(b)
	if la != lb {
		return false
	}
	top := func(p string) string {
		rel := strings.TrimPrefix(strings.TrimPrefix(p, module), "/")
		first, _, _ := strings.Cut(rel, "/")
		return first
	}
	return top(a) == top(b) && top(a) != "internal"
}
