package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// The transposed convolution: the adjoint of conv, so its gradients are a conv and a
// conv_filter_grad of the same geometry (see conv.go).

// ConvTransposeParams describes a transposed convolution (sometimes called deconvolution) by
// the forward convolution it transposes. The zero value of every field is useful: stride 1,
// dilation 1, no padding, no output padding, one group, channels last, spatial rank taken from
// the input.
type ConvTransposeParams struct {
	// Rank is the number of spatial dimensions (1, 2 or 3); 0 takes it from the input's rank.
	Rank int
	// Strides per spatial dimension (the upsampling factor); nil is 1, a single value applies
	// to all.
	Strides []int
	// Dilations per spatial dimension; nil is 1, a single value applies to all.
	Dilations []int
	// Padding chooses the pads. PadSame gives an output of input·stride positions, as Keras's
	// Conv2DTranspose(padding="same") and TensorFlow's conv2d_transpose with that output shape.
	Padding Padding
	// Pads holds, with PadExplicit, the {begin, end} padding of the forward convolution per
	// spatial dimension: that many positions are removed from each side of the output (ONNX
	// ConvTranspose pads, PyTorch's padding).
	Pads [][2]int
	// OutputPadding adds positions at the end of each spatial dimension (ONNX output_padding);
	// each must be smaller than the stride. nil is 0, a single value applies to all.
	OutputPadding []int
	// Groups splits the channels into independent transposed convolutions; 0 means 1.
	Groups int
	// Layout of the data and filter. The filter is the one of the forward convolution: with
	// ChannelsLast [kernel..., out/groups, in] (TensorFlow's conv2d_transpose); with
	// ChannelsFirst [in, out/groups, kernel...] (PyTorch's and ONNX's).
	Layout Layout
}

var convTransposeOp *core.Op

// cvResolveTranspose checks a transposed convolution of data shape x with filter shape w and
// returns the forward convolution it transposes (whose output has x's shape) and the output
// padding.
func cvResolveTranspose(p ConvTransposeParams, x, w shape.Shape) (*cvGeom, []int, error) {
	r, err := cvRank(p.Rank, p.Layout, x)
	if err != nil {
		return nil, nil, err
	}
	if len(w) != r+2 {
		return nil, nil, fmt.Errorf("filter must have rank %d (%s), got shape %v", r+2, cvTransposeFilterName(p.Layout, r), w)
	}
	g := &cvGeom{rank: r, layout: p.Layout, groups: max(p.Groups, 1)}
	g.n, g.cout, g.out = cvSplit(x, p.Layout)
	var wc, outG int
	wc, outG, g.k = cvFilterSplit(w, p.Layout)
	g.cin = outG * g.groups
	if err := g.checkTransposeChannels(p.Groups, wc, w); err != nil {
		return nil, nil, err
	}
	if g.stride, err = cvSpatial("strides", p.Strides, r, 1, 1); err != nil {
		return nil, nil, err
	}
	if g.dil, err = cvSpatial("dilations", p.Dilations, r, 1, 1); err != nil {
		return nil, nil, err
	}
	op, err := cvSpatial("output padding", p.OutputPadding, r, 0, 0)
	if err != nil {
		return nil, nil, err
	}
	if err := g.transposePads(p, op); err != nil {
		return nil, nil, err
	}
	if err := g.transposeSizes(op); err != nil {
		return nil, nil, err
	}
	return g, op, nil
}

// Geometry resolves p for a transposed convolution of data shape x with filter shape w into
// the geometry of the forward convolution it transposes (whose input has the output's shape and
// whose output has x's), as [ConvParams.Geometry].
func (p ConvTransposeParams) Geometry(x, w shape.Shape) (*ref.ConvGeom, error) {
	g, _, err := cvResolveTranspose(p, x, w)
	if err != nil {
		return nil, err
	}
	return g.ref(), nil
}

// cvTransposeFilterName names the filter layout of a transposed convolution.
func cvTransposeFilterName(l Layout, rank int) string {
	sp := [...]string{"", "W", "HW", "DHW"}[min(max(rank, 0), 3)]
	if l == ChannelsFirst {
		return "IO" + sp
	}
	return sp + "OI"
}

// checkTransposeChannels checks groups and channels; g.cout holds the input's channels and wc
// the filter's corresponding dimension.
func (g *cvGeom) checkTransposeChannels(groups, wc int, w shape.Shape) error {
	lay := cvLayoutName(g.layout, g.rank)
	switch {
	case groups < 0:
		return fmt.Errorf("groups must be positive, got %d", groups)
	case wc != g.cout:
		return fmt.Errorf("input has %d channels but filter expects %d (groups %d, layout %s, filter %s)",
			g.cout, wc, g.groups, lay, cvTransposeFilterName(g.layout, g.rank))
	case g.cout%g.groups != 0:
		return fmt.Errorf("input has %d channels, which groups %d does not divide (layout %s)", g.cout, g.groups, lay)
	}
	for _, k := range g.k {
		if k < 1 {
			return fmt.Errorf("filter %v has an empty spatial dimension (layout %s)", w, cvTransposeFilterName(g.layout, g.rank))
		}
	}
	return nil
}

// transposePads resolves the pads of a transposed convolution; with same padding it also sets
// the output padding that makes the output input·stride long.
func (g *cvGeom) transposePads(p ConvTransposeParams, op []int) error {
	if p.Padding != PadSame && p.Padding != PadSameLower {
		var err error
		g.pads, err = cvPads(p.Padding, p.Pads, g.out, g.k, g.stride, g.dil)
		return err
	}
	if len(p.Pads) > 0 {
		return fmt.Errorf("pads %v given with %v padding (pads are used with PadExplicit)", p.Pads, p.Padding)
	}
	g.pads = make([][2]int, g.rank)
	for i := range g.pads {
		if op[i] != 0 {
			return fmt.Errorf("output padding %v cannot be combined with %v padding", p.OutputPadding, p.Padding)
		}
		total := g.eff(i) - g.stride[i]
		op[i] = max(-total, 0)
		total = max(total, 0)
		b := total / 2
		if p.Padding == PadSameLower {
			b = total - total/2
		}
		g.pads[i] = [2]int{b, total - b}
	}
	return nil
}

// transposeSizes computes the output size (the forward convolution's input size).
func (g *cvGeom) transposeSizes(op []int) error {
	g.in = make([]int, g.rank)
	for i := range g.in {
		if op[i] >= g.stride[i] {
			return fmt.Errorf("output padding %d must be smaller than the stride %d (spatial dimension %d)", op[i], g.stride[i], i)
		}
		if g.out[i] < 0 {
			g.in[i] = shape.Unknown
			continue
		}
		if g.out[i] == 0 {
			return fmt.Errorf("input spatial dimension %d is empty", i)
		}
		g.in[i] = (g.out[i]-1)*g.stride[i] + g.eff(i) - g.pads[i][0] - g.pads[i][1] + op[i]
		if g.in[i] < 1 {
			return fmt.Errorf("output would be empty: input %d, kernel %d with dilation %d, stride %d, output padding %d and pads %v",
				g.out[i], g.k[i], g.dil[i], g.stride[i], op[i], g.pads[i])
		}
	}
	return nil
}

func init() {
	convTransposeOp = core.Declare(core.Def[ConvTransposeParams]{
		Name:       "conv_transpose",
		Overwrites: true,
		Doc:        "1-3D transposed convolution (the adjoint of conv) with output padding (ONNX ConvTranspose, torch.nn.functional.conv_transpose1d/2d/3d)",
		DTypes:     numericTypes,
		Infer: func(p ConvTransposeParams, in []core.Spec) ([]core.Spec, error) {
			if err := cvTwoInputs(in); err != nil {
				return nil, err
			}
			g, _, err := cvResolveTranspose(p, in[0].Shape, in[1].Shape)
			if err != nil {
				return nil, err
			}
			return []core.Spec{{DType: in[0].DType, Shape: g.xShape()}}, nil
		},
		// For y = convᵀ(x, w): ⟨y, dy⟩ = ⟨x, conv(dy, w)⟩, and the filter gradient is that of
		// conv(dy, w) with upstream gradient x.
		Grad: func(p ConvTransposeParams, in, _, g []*Tensor) []*Tensor {
			x, w, dy := in[0], in[1], g[0]
			geo, _, _ := cvResolveTranspose(p, x.Shape(), w.Shape())
			dx := core.Apply1(convOp, geo.params(), dy, w)
			dw := core.Apply1(convFilterGradOp, ConvFilterGradParams{Conv: geo.params(), KernelSize: geo.k}, dy, x)
			return []*Tensor{dx, dw}
		},
	})
	registerRef(convTransposeOp, numericTypes, func(p ConvTransposeParams, in, out []*Tensor) error {
		geo, _, err := cvResolveTranspose(p, in[0].Shape(), in[1].Shape())
		if err != nil {
			return err
		}
		rg := geo.ref()
		cvRun(out[0], in[0], in[1],
			func(y, x, w []float64) { ref.ConvTranspose(y, x, w, rg) },
			func(y, x, w []int64) { ref.ConvTranspose(y, x, w, rg) })
		return nil
	})
}

// ConvTranspose returns the transposed convolution of x with the filter w (ONNX ConvTranspose,
// PyTorch's conv_transpose1d/2d/3d): the adjoint of the [Conv] with the same params, which maps
// an input-shaped tensor to an output-shaped one; it is Conv's gradient with respect to its
// input. Each spatial dimension of the output has (in−1)·stride + (k−1)·dilation + 1 − padBegin −
// padEnd + outputPadding positions. With ChannelsLast (the default) x is [batch, spatial..., in]
// and w is [kernel..., out/groups, in] (TensorFlow's conv2d_transpose filter); with ChannelsFirst
// x is [batch, in, spatial...] and w is [in, out/groups, kernel...] (PyTorch's and ONNX's). There
// is no bias: add one with [Add].
//
// ONNX's output_shape attribute is expressed with Pads and OutputPadding. Tide follows
// TensorFlow, not PyTorch, in requiring each output padding to be smaller than the
// stride (PyTorch also accepts one smaller than the dilation). Keras's Conv2DTranspose with
// "valid" padding and no output_padding adds max(stride − kernel, 0) output padding, which a
// layer passes here explicitly.
//
// It panics with a *core.Error if the ranks, channels or groups do not fit, a parameter is out
// of range, or the output would be empty.
func ConvTranspose(x, w *Tensor, p ConvTransposeParams) *Tensor {
	x, w = promote(x, w)
	if g, op, err := cvResolveTranspose(p, x.Shape(), w.Shape()); err == nil {
		tp := g.transposeParams() // record complete, explicit params
		tp.OutputPadding = op
		p = tp
	}
	return core.Apply1(convTransposeOp, p, x, w)
}

// ConvTranspose1D is [ConvTranspose] with one spatial dimension; p.Rank is set to 1.
func ConvTranspose1D(x, w *Tensor, p ConvTransposeParams) *Tensor {
	p.Rank = 1
	return ConvTranspose(x, w, p)
}

// ConvTranspose2D is [ConvTranspose] with two spatial dimensions: x is NHWC and w is [kh, kw,
// out/groups, in], or NCHW and [in, out/groups, kh, kw] with ChannelsFirst. p.Rank is set to 2.
func ConvTranspose2D(x, w *Tensor, p ConvTransposeParams) *Tensor {
	p.Rank = 2
	return ConvTranspose(x, w, p)
}

// ConvTranspose3D is [ConvTranspose] with three spatial dimensions; p.Rank is set to 3.
func ConvTranspose3D(x, w *Tensor, p ConvTransposeParams) *Tensor {
	p.Rank = 3
	return ConvTranspose(x, w, p)
}
