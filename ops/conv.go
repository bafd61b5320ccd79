package ops

import (
	"fmt"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/kernels/ref"
	"github.com/tideml/tide/shape"
)

// Convolutions with 1, 2 or 3 spatial dimensions, as one primitive ("conv") whose gradient with
// respect to the input is a transposed convolution ("conv_transpose", conv_transpose.go) and with
// respect to the filter a primitive of its own ("conv_filter_grad"). The three are written with
// one geometry (cvGeom) and close under differentiation, so gradients of any order exist.

// Layout is the order of the dimensions of the data tensors of convolutions and pooling.
type Layout int

const (
	// ChannelsLast orders data as batch, spatial dimensions, channels (NWC, NHWC, NDHWC) and
	// convolution filters as spatial dimensions, input channels per group, output channels
	// (WIO, HWIO, DHWIO): TensorFlow and Keras's default, and Tide's.
	ChannelsLast Layout = iota
	// ChannelsFirst orders data as batch, channels, spatial dimensions (NCW, NCHW, NCDHW) and
	// filters as output channels, input channels per group, spatial dimensions (OIW, OIHW,
	// OIDHW): PyTorch's and ONNX's layout.
	ChannelsFirst
)

// String returns "channels_last" or "channels_first", as Keras's data_format.
func (l Layout) String() string {
	switch l {
	case ChannelsLast:
		return "channels_last"
	case ChannelsFirst:
		return "channels_first"
	}
	return fmt.Sprintf("Layout(%d)", int(l))
}

// cvLayoutName names the data layout for a spatial rank: "NHWC", "NCW", ...
func cvLayoutName(l Layout, rank int) string {
	sp := [...]string{"", "W", "HW", "DHW"}[min(max(rank, 0), 3)]
	if l == ChannelsFirst {
		return "NC" + sp
	}
	return "N" + sp + "C"
}

// cvFilterLayoutName names the filter layout for a spatial rank: "HWIO", "OIW", ...
func cvFilterLayoutName(l Layout, rank int) string {
	sp := [...]string{"", "W", "HW", "DHW"}[min(max(rank, 0), 3)]
	if l == ChannelsFirst {
		return "OI" + sp
	}
	return sp + "IO"
}

// Padding says how the pads of a convolution or pooling are chosen.
type Padding int

const (
	// PadExplicit uses the Pads field ({begin, end} per spatial dimension; nil is no padding).
	PadExplicit Padding = iota
	// PadValid pads nothing (Keras and TensorFlow "valid", ONNX auto_pad VALID).
	PadValid
	// PadSame pads so that the output has ceil(input/stride) positions, the total split evenly
	// with the odd one at the end (Keras and TensorFlow "same", ONNX auto_pad SAME_UPPER); see
	// [SamePads].
	PadSame
	// PadSameLower is PadSame with the odd pad at the beginning (ONNX auto_pad SAME_LOWER).
	PadSameLower
)

// String returns "explicit", "valid", "same" or "same_lower".
func (p Padding) String() string {
	switch p {
	case PadExplicit:
		return "explicit"
	case PadValid:
		return "valid"
	case PadSame:
		return "same"
	case PadSameLower:
		return "same_lower"
	}
	return fmt.Sprintf("Padding(%d)", int(p))
}

// ConvParams describes a convolution. The zero value of every field is useful: stride 1,
// dilation 1, no padding, one group, channels last, spatial rank taken from the input.
type ConvParams struct {
	// Rank is the number of spatial dimensions (1, 2 or 3); 0 takes it from the input's rank
	// (rank − 2). Conv1D, Conv2D and Conv3D set it.
	Rank int
	// Strides per spatial dimension; nil is 1 everywhere, a single value applies to all.
	Strides []int
	// Dilations per spatial dimension (the distance between kernel taps); nil is 1, a single
	// value applies to all.
	Dilations []int
	// Padding chooses the pads; with PadExplicit (the zero value) Pads holds them.
	Padding Padding
	// Pads holds {begin, end} zero padding per spatial dimension, used with PadExplicit; nil is
	// none.
	Pads [][2]int
	// Groups splits the channels into independent convolutions: the filter has in/Groups input
	// channels and out/Groups output channels per group. 0 means 1; Groups equal to the input
	// channels is a depthwise convolution.
	Groups int
	// Layout of the data and filter (ChannelsLast: NHWC data, HWIO filter; ChannelsFirst: NCHW
	// data, OIHW filter).
	Layout Layout
}

// ConvFilterGradParams describes the gradient of a convolution with respect to its filter: the
// convolution, and the filter's spatial size (which the output's shape does not determine).
type ConvFilterGradParams struct {
	Conv ConvParams
	// KernelSize is the filter's size per spatial dimension (a single value applies to all).
	KernelSize []int
}

var convOp, convFilterGradOp *core.Op

// cvGeom is a resolved forward convolution: every parameter explicit, per spatial dimension.
type cvGeom struct {
	rank                 int
	layout               Layout
	n, cin, cout, groups int
	in, k, out           []int
	stride, dil          []int
	pads                 [][2]int
}

// cvRank returns the spatial rank of data shape x for the requested rank (0: from x).
func cvRank(want int, l Layout, x shape.Shape) (int, error) {
	if l != ChannelsLast && l != ChannelsFirst {
		return 0, fmt.Errorf("unknown layout %v (want ChannelsLast or ChannelsFirst)", l)
	}
	if want == 0 {
		if r := len(x) - 2; r >= 1 && r <= 3 {
			return r, nil
		}
		return 0, fmt.Errorf("input must have rank 3, 4 or 5 (batch, channels and 1 to 3 spatial dimensions), got shape %v", x)
	}
	if want < 0 || want > 3 {
		return 0, fmt.Errorf("spatial rank %d, want 1, 2 or 3", want)
	}
	if len(x) != want+2 {
		return 0, fmt.Errorf("%dD input must have rank %d (%s), got shape %v", want, want+2, cvLayoutName(l, want), x)
	}
	return want, nil
}

// cvSplit returns the batch size, channels and spatial sizes of a data shape.
func cvSplit(s shape.Shape, l Layout) (n, c int, sp []int) {
	r := len(s) - 2
	if l == ChannelsFirst {
		return s[0], s[1], append([]int(nil), s[2:]...)
	}
	return s[0], s[r+1], append([]int(nil), s[1:r+1]...)
}

// cvJoin is the inverse of cvSplit.
func cvJoin(n, c int, sp []int, l Layout) shape.Shape {
	if l == ChannelsFirst {
		return append(shape.Shape{n, c}, sp...)
	}
	return append(append(shape.Shape{n}, sp...), c)
}

// cvFilterSplit returns the output channels, input channels per group and kernel size of a
// filter shape.
func cvFilterSplit(w shape.Shape, l Layout) (out, inG int, k []int) {
	r := len(w) - 2
	if l == ChannelsFirst {
		return w[0], w[1], append([]int(nil), w[2:]...)
	}
	return w[r+1], w[r], append([]int(nil), w[:r]...)
}

// cvFilterJoin is the inverse of cvFilterSplit.
func cvFilterJoin(out, inG int, k []int, l Layout) shape.Shape {
	if l == ChannelsFirst {
		return append(shape.Shape{out, inG}, k...)
	}
	return append(append(shape.Shape{}, k...), inG, out)
}

// cvSpatial expands a per-dimension parameter: nil gives def everywhere, one value applies to
// all dimensions; every value must be at least lo.
func cvSpatial(what string, v []int, rank, def, lo int) ([]int, error) {
	out := make([]int, rank)
	switch len(v) {
	case 0:
		for i := range out {
			out[i] = def
		}
	case 1:
		for i := range out {
			out[i] = v[0]
		}
	case rank:
		copy(out, v)
	default:
		return nil, fmt.Errorf("%s %v has %d values, want 1 or %d (one per spatial dimension)", what, v, len(v), rank)
	}
	for _, x := range out {
		if x < lo {
			return nil, fmt.Errorf("%s %v must be >= %d", what, v, lo)
		}
	}
	return out, nil
}

// SamePads returns the pads of TensorFlow's and Keras's "same" padding (ONNX auto_pad
// SAME_UPPER) for a convolution or pooling with the given input sizes, kernel sizes, strides and
// dilations per spatial dimension (strides and dilations may be nil for 1): the output has
// ceil(in/stride) positions and the padding this needs, (out−1)·stride + (kernel−1)·dilation + 1
// − in if positive, is split with the odd element at the end. It panics with a *core.Error if
// the lengths differ or a size is not positive.
func SamePads(in, kernel, strides, dilations []int) [][2]int {
	r := len(in)
	k, err := cvSpatial("kernel", kernel, r, 1, 1)
	var s, d []int
	if err == nil {
		s, err = cvSpatial("strides", strides, r, 1, 1)
	}
	if err == nil {
		d, err = cvSpatial("dilations", dilations, r, 1, 1)
	}
	if err == nil && len(kernel) != r {
		err = fmt.Errorf("kernel %v and input %v have different lengths", kernel, in)
	}
	if err != nil {
		panic(core.Errorf("ops.SamePads", "%v", err))
	}
	pads := make([][2]int, r)
	for i := range pads {
		pads[i] = cvSamePad(in[i], k[i], s[i], d[i], false)
	}
	return pads
}

// cvSamePad returns the "same" pads of one dimension; lower puts the odd pad first.
func cvSamePad(in, k, s, d int, lower bool) [2]int {
	out := (in + s - 1) / s
	total := max((out-1)*s+(k-1)*d+1-in, 0)
	b := total / 2
	if lower {
		b = total - total/2
	}
	return [2]int{b, total - b}
}

// cvPads resolves a padding mode to explicit pads.
func cvPads(mode Padding, pads [][2]int, in, k, s, d []int) ([][2]int, error) {
	r := len(in)
	out := make([][2]int, r)
	if mode != PadExplicit && len(pads) > 0 {
		return nil, fmt.Errorf("pads %v given with %v padding (pads are used with PadExplicit)", pads, mode)
	}
	switch mode {
	case PadExplicit:
		if len(pads) == 0 {
			return out, nil
		}
		if len(pads) != r {
			return nil, fmt.Errorf("pads %v has %d pairs, want %d (one {begin, end} per spatial dimension)", pads, len(pads), r)
		}
		for _, p := range pads {
			if p[0] < 0 || p[1] < 0 {
				return nil, fmt.Errorf("pads %v must be >= 0", pads)
			}
		}
		copy(out, pads)
	case PadValid:
	case PadSame, PadSameLower:
		for i := range out {
			if in[i] < 0 {
				return nil, fmt.Errorf("%v padding needs known spatial sizes, got %v", mode, in)
			}
			out[i] = cvSamePad(in[i], k[i], s[i], d[i], mode == PadSameLower)
		}
	default:
		return nil, fmt.Errorf("unknown padding %v", mode)
	}
	return out, nil
}

// cvOutSize returns the number of window positions along a dimension of size in with padding
// pads, for a window spanning eff elements moved by s; ceil counts a last partial window that
// starts inside the input or the begin padding (PyTorch's ceil_mode rule). ok is false when not
// even one window fits.
func cvOutSize(in, eff, s int, pads [2]int, ceil bool) (out int, ok bool) {
	total := in + pads[0] + pads[1]
	if total < eff {
		return 0, false
	}
	if !ceil {
		return (total-eff)/s + 1, true
	}
	out = (total-eff+s-1)/s + 1
	if (out-1)*s >= in+pads[0] {
		out--
	}
	return out, true
}

// cvResolve checks a convolution of data shape x with filter shape w and resolves its params.
func cvResolve(p ConvParams, x, w shape.Shape) (*cvGeom, error) {
	r, err := cvRank(p.Rank, p.Layout, x)
	if err != nil {
		return nil, err
	}
	if len(w) != r+2 {
		return nil, fmt.Errorf("filter must have rank %d (%s), got shape %v", r+2, cvFilterLayoutName(p.Layout, r), w)
	}
	g := &cvGeom{rank: r, layout: p.Layout, groups: max(p.Groups, 1)}
	g.n, g.cin, g.in = cvSplit(x, p.Layout)
	var inG int
	g.cout, inG, g.k = cvFilterSplit(w, p.Layout)
	if err := g.checkChannels(p.Groups, inG, w); err != nil {
		return nil, err
	}
	if g.stride, err = cvSpatial("strides", p.Strides, r, 1, 1); err != nil {
		return nil, err
	}
	if g.dil, err = cvSpatial("dilations", p.Dilations, r, 1, 1); err != nil {
		return nil, err
	}
	if g.pads, err = cvPads(p.Padding, p.Pads, g.in, g.k, g.stride, g.dil); err != nil {
		return nil, err
	}
	g.out = make([]int, r)
	for i := range g.out {
		if g.in[i] < 0 {
			g.out[i] = shape.Unknown
			continue
		}
		if g.in[i] == 0 {
			// An output made only of padding would be zeros, but its gradient, a transposed
			// convolution to an empty size, is not defined; PyTorch refuses it too.
			return nil, fmt.Errorf("input spatial dimension %d is empty (shape %v)", i, x)
		}
		var ok bool
		if g.out[i], ok = cvOutSize(g.in[i], g.eff(i), g.stride[i], g.pads[i], false); !ok {
			return nil, fmt.Errorf("output would be empty: input %d, kernel %d with dilation %d and pads %v",
				g.in[i], g.k[i], g.dil[i], g.pads[i])
		}
	}
	return g, nil
}

// checkChannels checks groups and the channel counts of the input and filter.
func (g *cvGeom) checkChannels(groups, inG int, w shape.Shape) error {
	lay := cvLayoutName(g.layout, g.rank)
	switch {
	case groups < 0:
		return fmt.Errorf("groups must be positive, got %d", groups)
	case g.cin%g.groups != 0:
		return fmt.Errorf("input has %d channels, which groups %d does not divide (layout %s)", g.cin, g.groups, lay)
	case inG*g.groups != g.cin:
		return fmt.Errorf("input has %d channels but filter expects %d (groups %d, layout %s)", g.cin, inG*g.groups, g.groups, lay)
	case g.cout%g.groups != 0:
		return fmt.Errorf("filter %v has %d output channels, which groups %d does not divide (layout %s)",
			w, g.cout, g.groups, cvFilterLayoutName(g.layout, g.rank))
	}
	for _, k := range g.k {
		if k < 1 {
			return fmt.Errorf("filter %v has an empty spatial dimension (layout %s)", w, cvFilterLayoutName(g.layout, g.rank))
		}
	}
	return nil
}

// eff returns the span of the dilated kernel along dimension i.
func (g *cvGeom) eff(i int) int { return (g.k[i]-1)*g.dil[i] + 1 }

// params returns the geometry as complete, explicit ConvParams.
func (g *cvGeom) params() ConvParams {
	return ConvParams{Rank: g.rank, Strides: g.stride, Dilations: g.dil, Padding: PadExplicit,
		Pads: g.pads, Groups: g.groups, Layout: g.layout}
}

// transposeParams returns the params of the transposed convolution that maps this
// convolution's output back to its input's shape: the output padding recovers the input
// positions past the last window.
func (g *cvGeom) transposeParams() ConvTransposeParams {
	op := make([]int, g.rank)
	for i := range op {
		if g.in[i] >= 0 {
			op[i] = (g.in[i] + g.pads[i][0] + g.pads[i][1] - g.eff(i)) % g.stride[i]
		}
	}
	return ConvTransposeParams{Rank: g.rank, Strides: g.stride, Dilations: g.dil, Padding: PadExplicit,
		Pads: g.pads, OutputPadding: op, Groups: g.groups, Layout: g.layout}
}

func (g *cvGeom) xShape() shape.Shape { return cvJoin(g.n, g.cin, g.in, g.layout) }
func (g *cvGeom) yShape() shape.Shape { return cvJoin(g.n, g.cout, g.out, g.layout) }
func (g *cvGeom) wShape() shape.Shape {
	return cvFilterJoin(g.cout, g.cin/g.groups, g.k, g.layout)
}

// cvDataStrides returns the strides of a data shape for batch, channel and spatial 0..2.
func cvDataStrides(s shape.Shape, l Layout) [5]int {
	st := s.Strides()
	r := len(s) - 2
	var out [5]int
	out[0] = st[0]
	if l == ChannelsFirst {
		out[1] = st[1]
		copy(out[2:], st[2:])
	} else {
		out[1] = st[r+1]
		copy(out[2:], st[1:r+1])
	}
	return out
}

// cvPad3 pads a per-dimension list to three dimensions with v.
func cvPad3(s []int, v int) [3]int {
	out := [3]int{v, v, v}
	copy(out[:], s)
	return out
}

// ref returns the reference kernels' description of the convolution.
func (g *cvGeom) ref() *ref.ConvGeom {
	rg := &ref.ConvGeom{N: g.n, Groups: g.groups, InG: g.cin / g.groups, OutG: g.cout / g.groups,
		In: cvPad3(g.in, 1), Out: cvPad3(g.out, 1), Kernel: cvPad3(g.k, 1),
		Stride: cvPad3(g.stride, 1), Dilation: cvPad3(g.dil, 1),
		X: cvDataStrides(g.xShape(), g.layout), Y: cvDataStrides(g.yShape(), g.layout)}
	for i, p := range g.pads {
		rg.Pad[i] = p[0]
	}
	ws := g.wShape()
	st := ws.Strides()
	if g.layout == ChannelsFirst {
		copy(rg.W[:], st)
	} else {
		rg.W[0], rg.W[1] = st[g.rank+1], st[g.rank]
		copy(rg.W[2:], st[:g.rank])
	}
	return rg
}

// Geometry resolves p for a convolution of data shape x with filter shape w into the loop
// description the reference kernels use: every parameter explicit, for three spatial dimensions,
// with the strides of x, the output and w in p.Layout. Fast kernels use it to read params the
// same way. It returns the error the op's shape inference would.
func (p ConvParams) Geometry(x, w shape.Shape) (*ref.ConvGeom, error) {
	g, err := cvResolve(p, x, w)
	if err != nil {
		return nil, err
	}
	return g.ref(), nil
}

// Geometry resolves p for a conv_filter_grad of input shape x and upstream gradient shape dy
// into the geometry of its convolution, as [ConvParams.Geometry].
func (p ConvFilterGradParams) Geometry(x, dy shape.Shape) (*ref.ConvGeom, error) {
	g, err := cvResolveFilterGrad(p, x, dy)
	if err != nil {
		return nil, err
	}
	return g.ref(), nil
}

// cvRun runs a reference loop over the float64 or int64 values of a and b into out.
func cvRun(out, a, b *Tensor, ff func(dst, a, b []float64), fi func(dst, a, b []int64)) {
	if out.DType().IsFloat() {
		dst := make([]float64, out.Size())
		ff(dst, ref.Values[float64](a), ref.Values[float64](b))
		ref.Store(out, dst)
		return
	}
	dst := make([]int64, out.Size())
	fi(dst, ref.Values[int64](a), ref.Values[int64](b))
	ref.Store(out, dst)
}

// cvFilterShape returns the filter shape of a conv_filter_grad from its inputs.
func cvFilterShape(p ConvFilterGradParams, x, dy shape.Shape) (shape.Shape, error) {
	r, err := cvRank(p.Conv.Rank, p.Conv.Layout, x)
	if err != nil {
		return nil, err
	}
	if len(dy) != len(x) {
		return nil, fmt.Errorf("upstream gradient %v and input %v have different ranks", dy, x)
	}
	if len(p.KernelSize) == 0 {
		return nil, fmt.Errorf("kernel size is not set")
	}
	k, err := cvSpatial("kernel size", p.KernelSize, r, 0, 1)
	if err != nil {
		return nil, err
	}
	_, cin, _ := cvSplit(x, p.Conv.Layout)
	_, cout, _ := cvSplit(dy, p.Conv.Layout)
	groups := max(p.Conv.Groups, 1)
	return cvFilterJoin(cout, cin/groups, k, p.Conv.Layout), nil
}

// cvResolveFilterGrad checks a conv_filter_grad and returns its convolution.
func cvResolveFilterGrad(p ConvFilterGradParams, x, dy shape.Shape) (*cvGeom, error) {
	ws, err := cvFilterShape(p, x, dy)
	if err != nil {
		return nil, err
	}
	g, err := cvResolve(p.Conv, x, ws)
	if err != nil {
		return nil, err
	}
	if !g.yShape().Equal(dy) {
		return nil, fmt.Errorf("upstream gradient has shape %v, want %v (the convolution's output for input %v and filter %v)",
			dy, g.yShape(), x, ws)
	}
	return g, nil
}

func init() {
	convOp = core.Declare(core.Def[ConvParams]{
		Name:       "conv",
		Overwrites: true,
		Doc:        "1-3D convolution with strides, dilations, explicit pads and groups; NHWC/HWIO or NCHW/OIHW (ONNX Conv, torch.nn.functional.conv1d/2d/3d)",
		DTypes:     numericTypes,
		Infer: func(p ConvParams, in []core.Spec) ([]core.Spec, error) {
			if err := cvTwoInputs(in); err != nil {
				return nil, err
			}
			g, err := cvResolve(p, in[0].Shape, in[1].Shape)
			if err != nil {
				return nil, err
			}
			return []core.Spec{{DType: in[0].DType, Shape: g.yShape()}}, nil
		},
		Grad: func(p ConvParams, in, _, g []*Tensor) []*Tensor {
			x, w, dy := in[0], in[1], g[0]
			geo, _ := cvResolve(p, x.Shape(), w.Shape()) // cannot fail: the forward pass succeeded
			dx := core.Apply1(convTransposeOp, geo.transposeParams(), dy, w)
			dw := core.Apply1(convFilterGradOp, ConvFilterGradParams{Conv: geo.params(), KernelSize: geo.k}, x, dy)
			return []*Tensor{dx, dw}
		},
	})
	registerRef(convOp, numericTypes, func(p ConvParams, in, out []*Tensor) error {
		geo, err := cvResolve(p, in[0].Shape(), in[1].Shape())
		if err != nil {
			return err
		}
		rg := geo.ref()
		cvRun(out[0], in[0], in[1],
			func(y, x, w []float64) { ref.Conv(y, x, w, rg) },
			func(y, x, w []int64) { ref.Conv(y, x, w, rg) })
		return nil
	})

	convFilterGradOp = core.Declare(core.Def[ConvFilterGradParams]{
		Name:       "conv_filter_grad",
		Overwrites: true,
		Doc:        "gradient of conv with respect to its filter, from the input and the output's gradient (TF Conv2DBackpropFilter; ONNX none, torch.nn.grad.conv2d_weight)",
		DTypes:     numericTypes,
		Infer: func(p ConvFilterGradParams, in []core.Spec) ([]core.Spec, error) {
			if err := cvTwoInputs(in); err != nil {
				return nil, err
			}
			g, err := cvResolveFilterGrad(p, in[0].Shape, in[1].Shape)
			if err != nil {
				return nil, err
			}
			return []core.Spec{{DType: in[0].DType, Shape: g.wShape()}}, nil
		},
		// conv_filter_grad(x, dy) is bilinear, the adjoint of conv in its filter:
		// ⟨filter_grad(x, dy), gw⟩ = ⟨conv(x, gw), dy⟩ = ⟨x, conv_transpose(dy, gw)⟩.
		Grad: func(p ConvFilterGradParams, in, _, g []*Tensor) []*Tensor {
			x, dy, gw := in[0], in[1], g[0]
			geo, _ := cvResolveFilterGrad(p, x.Shape(), dy.Shape())
			dx := core.Apply1(convTransposeOp, geo.transposeParams(), dy, gw)
			ddy := core.Apply1(convOp, geo.params(), x, gw)
			return []*Tensor{dx, ddy}
		},
	})
	registerRef(convFilterGradOp, numericTypes, func(p ConvFilterGradParams, in, out []*Tensor) error {
		geo, err := cvResolveFilterGrad(p, in[0].Shape(), in[1].Shape())
		if err != nil {
			return err
		}
		rg := geo.ref()
		cvRun(out[0], in[0], in[1],
			func(dw, x, dy []float64) { ref.ConvFilterGrad(dw, x, dy, rg) },
			func(dw, x, dy []int64) { ref.ConvFilterGrad(dw, x, dy, rg) })
		return nil
	})
}

// cvTwoInputs checks for two inputs of one dtype.
func cvTwoInputs(in []core.Spec) error {
	if err := wantInputs(in, 2); err != nil {
		return err
	}
	return sameDTypes(in)
}

// Conv returns the convolution of x with the filter w (a cross-correlation, as in every ML
// framework) with 1, 2 or 3 spatial dimensions, taken from p.Rank or else from x's rank. With
// p.Layout ChannelsLast (the default) x is [batch, spatial..., in] and w is [kernel..., in/groups,
// out] (TensorFlow's NHWC and HWIO); with ChannelsFirst x is [batch, in, spatial...] and w is
// [out, in/groups, kernel...] (PyTorch's and ONNX's NCHW and OIHW). The output has
// floor((in + padBegin + padEnd − (k−1)·dilation − 1)/stride) + 1 positions per spatial
// dimension. There is no bias: add one with [Add]. x and w are promoted to one dtype; integer
// convolutions accumulate in int64 and wrap to the dtype.
//
// Pads are explicit {begin, end} pairs per spatial dimension, as ONNX (PyTorch pads both sides
// alike). PadSame follows TensorFlow and ONNX SAME_UPPER, the odd pad at the end; PyTorch's
// padding="same" agrees with it for stride 1 and allows no other stride.
//
// It panics with a *core.Error if the ranks, channels or groups do not fit, a parameter is out
// of range, or the output would be empty.
func Conv(x, w *Tensor, p ConvParams) *Tensor {
	x, w = promote(x, w)
	if g, err := cvResolve(p, x.Shape(), w.Shape()); err == nil {
		p = g.params() // record complete, explicit params (same padding resolved)
	}
	return core.Apply1(convOp, p, x, w)
}

// Conv1D is [Conv] with one spatial dimension: x is [batch, width, in] (NWC) or [batch, in,
// width] with ChannelsFirst. p.Rank is set to 1.
func Conv1D(x, w *Tensor, p ConvParams) *Tensor { p.Rank = 1; return Conv(x, w, p) }

// Conv2D is [Conv] with two spatial dimensions: x is [batch, height, width, in] (NHWC) and w is
// [kh, kw, in/groups, out] (HWIO), or NCHW and OIHW with ChannelsFirst. p.Rank is set to 2.
func Conv2D(x, w *Tensor, p ConvParams) *Tensor { p.Rank = 2; return Conv(x, w, p) }

// Conv3D is [Conv] with three spatial dimensions: x is [batch, depth, height, width, in]
// (NDHWC), or NCDHW with ChannelsFirst. p.Rank is set to 3.
func Conv3D(x, w *Tensor, p ConvParams) *Tensor { p.Rank = 3; return Conv(x, w, p) }

// DepthwiseConv2D returns the depthwise convolution of x with the Keras/TensorFlow depthwise
// filter w of shape [kh, kw, in, multiplier] in either layout: each input channel c is convolved
// with its own multiplier filters, giving output channels c·multiplier + m. It is [Conv2D] with
// Groups = in and the filter reshaped (and, for ChannelsFirst, transposed to PyTorch's
// [in·multiplier, 1, kh, kw]). p.Groups must be 0 or equal to in.
//
// It panics with a *core.Error if w is not of that shape or [Conv2D] does.
func DepthwiseConv2D(x, w *Tensor, p ConvParams) *Tensor {
	if _, err := cvRank(2, p.Layout, x.Shape()); err != nil {
		panic(core.Errorf("depthwise_conv2d", "%w", err))
	}
	_, cin, _ := cvSplit(x.Shape(), p.Layout)
	if w.Rank() != 4 || w.Dim(2) != cin {
		panic(core.Errorf("depthwise_conv2d", "filter must have shape [kh kw in multiplier] with in = %d (the input's channels), got %v", cin, w.Shape()))
	}
	if p.Groups != 0 && p.Groups != cin {
		panic(core.Errorf("depthwise_conv2d", "groups %d given, but a depthwise convolution of %d channels has %d groups", p.Groups, cin, cin))
	}
	kh, kw, m := w.Dim(0), w.Dim(1), w.Dim(3)
	if p.Layout == ChannelsFirst {
		w = Reshape(Transpose(w, 2, 3, 0, 1), cin*m, 1, kh, kw)
	} else {
		w = Reshape(w, kh, kw, 1, cin*m)
	}
	p.Groups = cin
	return Conv2D(x, w, p)
}

// ConvFilterGrad returns the gradient of [Conv] with respect to its filter (TensorFlow's
// Conv2DBackpropFilter): given the input x, the gradient dy of the convolution's output and the
// filter's spatial size, the filter-shaped Σ over batch and output positions of dy·x at the
// positions each tap reads. p is the convolution's params. It is differentiable in x and dy.
//
// It panics with a *core.Error if the shapes do not fit a convolution with p.
func ConvFilterGrad(x, dy *Tensor, kernelSize []int, p ConvParams) *Tensor {
	x, dy = promote(x, dy)
	fp := ConvFilterGradParams{Conv: p, KernelSize: append([]int(nil), kernelSize...)}
	if g, err := cvResolveFilterGrad(fp, x.Shape(), dy.Shape()); err == nil {
		fp = ConvFilterGradParams{Conv: g.params(), KernelSize: g.k}
	}
	return core.Apply1(convFilterGradOp, fp, x, dy)
}
