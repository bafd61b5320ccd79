package applications

import (
	"fmt"
	"strconv"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
)

// builder records the layer calls of one network on symbolic tensors.
type builder struct {
	uids map[string]int // Keras's per-prefix counters of a fresh session
}

func newBuilder() *builder { return &builder{uids: map[string]int{}} }

// auto returns the name Keras gives the n-th unnamed layer of a prefix in a fresh session:
// "conv2d", "conv2d_1", "conv2d_2", ... InceptionV3's layers are unnamed in Keras, and weight
// files key them by these names.
func (b *builder) auto(prefix string) string {
	n := b.uids[prefix]
	b.uids[prefix]++
	if n == 0 {
		return prefix
	}
	return prefix + "_" + strconv.Itoa(n)
}

// call calls l on in and returns its output.
//
// The layer is built first, then marked built: models renames a layer that is not built when
// its name is taken by any layer called before in the program ("block1_conv1" would become
// "block1_conv1_1" in the second VGG16 of a program), whereas Keras keeps the names that
// applications give, and weight files are keyed by them. A built layer keeps its name.
func (b *builder) call(l nn.Layer, in ...*models.Symbolic) *models.Symbolic {
	specs := make([]core.Spec, len(in))
	for i, s := range in {
		if s.Err() != nil {
			return s
		}
		specs[i] = s.Spec()
	}
	if _, err := nn.OutputSpecs(l, nn.Inference, specs...); err == nil {
		if o, ok := l.(interface{ BuildOnce(func()) }); ok {
			o.BuildOnce(func() {}) // a layer without weights: only marks it built
		}
	}
	return models.Apply(l, in...) // reports a layer that does not fit
}

// seq calls layers one after the other.
func (b *builder) seq(x *models.Symbolic, layers ...nn.Layer) *models.Symbolic {
	for _, l := range layers {
		x = b.call(l, x)
	}
	return x
}

// finish builds the model from input to output, named name, and loads the weights if asked.
// A layer constructor's *core.Error panic (a bad argument that got through check) is recovered
// by the caller.
func finish(c *config, in, out *models.Symbolic, name string) (*models.Model, error) {
	if c.name != "" {
		name = c.name
	}
	m, err := models.Functional([]*models.Symbolic{in}, []*models.Symbolic{out}, models.WithName(name))
	if err != nil {
		return nil, err
	}
	if c.weights != "" {
		if err := m.LoadWeights(c.weights); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// input returns the network's input: the given input tensor or a new one of the image shape.
func (c *config) input(dims []int) *models.Symbolic {
	if c.inputTensor != nil {
		return c.inputTensor
	}
	return models.Input(dims...)
}

// classifier adds the top: a GlobalAveragePooling2D named gap, then the Dense "predictions".
func (b *builder) classifier(c *config, x *models.Symbolic, gap string) *models.Symbolic {
	x = b.call(nn.GlobalAveragePooling2D(nn.WithName(gap)), x)
	return b.call(nn.Dense(c.classes, nn.WithActivation(c.activation), nn.WithName("predictions")), x)
}

// pool adds the global pooling that Pooling asks for, named gap or gmp.
func (b *builder) pool(c *config, x *models.Symbolic, gap, gmp string) *models.Symbolic {
	switch c.pooling {
	case "avg":
		return b.call(nn.GlobalAveragePooling2D(nn.WithName(gap)), x)
	case "max":
		return b.call(nn.GlobalMaxPooling2D(nn.WithName(gmp)), x)
	}
	return x
}

// build checks the arguments, then runs fn, turning a layer constructor's *core.Error panic into
// an error.
func build(s spec, opts []Option, fn func(c *config, b *builder, dims []int) (*models.Model, error)) (m *models.Model, err error) {
	c := newConfig(opts)
	if err := c.check(s); err != nil {
		return nil, err
	}
	dims, err := c.imageShape(s)
	if err != nil {
		return nil, err
	}
	var ferr error
	if err := core.Catch(func() { m, ferr = fn(c, newBuilder(), dims) }); err != nil {
		return nil, fmt.Errorf("applications: %s: %w", s.builder, err)
	}
	if ferr != nil {
		return nil, fmt.Errorf("applications: %s: %w", s.builder, ferr)
	}
	return m, nil
}
