package models

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode"

	"github.com/tideml/tide/nn"
)

// Optional interfaces a layer may implement; nn's layers implement them through nn.Base.
type (
	renamer    interface{ SetName(string) }
	explicit   interface{ NamedExplicitly() bool }
	classNamer interface{ ClassName() string }
	builtLayer interface{ Built() bool }
)

// className returns a layer's Keras class name: ClassName() when it has one, else its Go type
// name ("MyBlock" for *MyBlock).
func className(l nn.Layer) string {
	if c, ok := l.(classNamer); ok {
		return c.ClassName()
	}
	t := reflect.TypeOf(l)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "" {
		return "Layer"
	}
	return t.Name()
}

// snakeCase converts a class name to Keras's default layer name: "Conv2D" → "conv2d",
// "MaxPooling2D" → "max_pooling2d", "BatchNormalization" → "batch_normalization".
func snakeCase(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) {
			prevLower := unicode.IsLower(r[i-1])
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			// "(.)([A-Z][a-z]+)" and "([a-z])([A-Z])" of Keras's to_snake_case.
			if prevLower || (nextLower && r[i-1] != '_') {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// isBuilt reports whether l has made its weights (then it can no longer be renamed).
func isBuilt(l nn.Layer) bool {
	if b, ok := l.(builtLayer); ok {
		return b.Built()
	}
	return len(l.Weights()) > 0
}

// namer hands out unique layer names like Keras: the first layer called "dense" keeps its name,
// the next ones become "dense_1", "dense_2", ...
type namer struct {
	mu    sync.Mutex
	used  map[string]bool
	count map[string]int
}

func newNamer() *namer { return &namer{used: map[string]bool{}, count: map[string]int{}} }

// unique returns name if it is free, else name_k with the smallest free k.
func (n *namer) unique(name string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := name
	for n.used[out] {
		n.count[name]++
		out = fmt.Sprintf("%s_%d", name, n.count[name])
	}
	n.used[out] = true
	return out
}

// claim names l uniquely: an unbuilt layer with a default name gets a free one; a layer named
// with nn.WithName, or already built, keeps its name (which is then only recorded), as Keras
// makes only default names unique.
func (n *namer) claim(l nn.Layer) {
	name := l.Name()
	e, ok := l.(explicit)
	named := ok && e.NamedExplicitly()
	if r, ok := l.(renamer); ok && !isBuilt(l) && !named {
		if u := n.unique(name); u != name {
			r.SetName(u)
		}
		return
	}
	n.mu.Lock()
	n.used[name] = true
	n.mu.Unlock()
}

// globalNames names the layers of functional graphs. Layers are named when first called on a
// symbolic tensor, before the graph they end up in is known, so (as in Keras) the counters are
// shared by every functional graph of the program; ResetNames restarts them.
var globalNames = struct {
	sync.Mutex
	n *namer
}{n: newNamer()}

// ResetNames restarts the counters that make the names of layers called on symbolic tensors
// unique ("dense", "dense_1", ...), as keras.backend.clear_session does. Layers named before
// keep their names.
func ResetNames() {
	globalNames.Lock()
	globalNames.n = newNamer()
	globalNames.Unlock()
}

func functionalNamer() *namer {
	globalNames.Lock()
	defer globalNames.Unlock()
	return globalNames.n
}
