package nn

import (
	"math"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Random augmentation layers. They act only while training (Context.Training) and are the
// identity at inference. Their random numbers are made with ops.DropoutStep, the one random op
// that takes the step as a tensor: 24 fair bits per example (a dropout mask of rate 1/2 over a
// [batch, 24] tensor of ones) weighted by 2^-1, ..., 2^-24 give one uniform number per example.
// So they depend on the layer's seed, the step (Context.Step) and the example's index in the
// batch only, are the same eagerly and compiled, need no batch size while tracing, and differ
// at every step of a compiled train loop without retracing.
//
// Rotation, zoom and translation are affine maps of the output pixel grid to input coordinates
// (Keras's transforms), sampled bilinearly (or at the nearest pixel) by gathering the four
// neighbours of each coordinate, with Keras's fill modes for coordinates outside the image.

// Interface checks.
var (
	_ Layer = (*RandomFlipLayer)(nil)
	_ Layer = (*RandomAffineLayer)(nil)
)

// WithFillMode sets how the random affine layers fill points outside the input image:
// "reflect" (the default; d c b a | a b c d | d c b a), "wrap", "nearest" or "constant" (with
// WithFillValue).
func WithFillMode(mode string) Option { return rnnOpt("fill_mode", mode) }

// WithFillValue sets the value of points outside the image with fill mode "constant" (default 0).
func WithFillValue(v float64) Option { return rnnOpt("fill_value", v) }

// WithFactor sets the range [lower, upper] of a random affine layer's factor, overriding the
// symmetric range [-f, f] of its constructor's argument (the height factor for RandomZoom and
// RandomTranslation).
func WithFactor(lower, upper float64) Option { return rnnOpt("factor", [2]float64{lower, upper}) }

// WithWidthFactor sets the range [lower, upper] of RandomZoom's and RandomTranslation's width
// factor (RandomZoom's default: the height's zoom, keeping the aspect ratio).
func WithWidthFactor(lower, upper float64) Option {
	return rnnOpt("width_factor", [2]float64{lower, upper})
}

// preBits is the number of random bits per uniform number.
const preBits = 24

// preUniform returns, for each example of the channels-last batch x, a number uniform on
// [lo, hi) as a [batch, 1] tensor of x's dtype, drawn with seed and the context's step.
func preUniform(ctx Context, x *tensor.Tensor, seed uint64, lo, hi float64) *tensor.Tensor {
	first := autodiff.StopGradient(x)
	for a := 1; a < first.Rank(); a++ {
		first = ops.SliceAxis(first, a, 0, 1, 1)
	}
	col := ops.ZerosLike(ops.Reshape(first, -1, 1))       // [batch, 1]
	ones := ops.Add(col, tensor.Ones(x.DType(), preBits)) // [batch, 24]
	bits := dropoutStep(ones, ctx.Step, ops.DropoutParams{Rate: 0.5, Seed: seed})
	w := make([]float64, preBits)
	for k := range w {
		w[k] = math.Ldexp(0.5, -k-1) // each kept bit is 2, so its weight is half of 2^-(k+1)
	}
	weights := ops.Cast(tensor.FromSlice(w, preBits, 1), x.DType())
	u := ops.AddScalar(ops.MatMul(bits, weights), math.Ldexp(1, -preBits-1)) // the bucket's centre
	return ops.AddScalar(ops.MulScalar(u, hi-lo), lo)
}

// RandomFlipLayer is Keras's RandomFlip.
type RandomFlipLayer struct {
	Base
	preImage
	mode string
}

// RandomFlip returns Keras's RandomFlip layer: while training, each image is flipped left-right
// and/or upside down with probability 1/2 each, as mode says: "horizontal", "vertical" or
// "horizontal_and_vertical" (Keras's default). Options: WithSeed, WithDataFormat, WithName
// (default "random_flip"). It panics with a *core.Error for another mode.
func RandomFlip(mode string, opts ...Option) *RandomFlipLayer {
	o := parse("RandomFlip", opts, "seed", "data_format")
	l := &RandomFlipLayer{preImage: preImage{first: o.dataFormat == "channels_first"}, mode: mode}
	l.initBase("RandomFlip", "random_flip", o)
	if mode != "horizontal" && mode != "vertical" && mode != "horizontal_and_vertical" {
		panic(l.errorf("mode must be horizontal, vertical or horizontal_and_vertical, got %q", mode))
	}
	return l
}

// Call flips the images of its one input while training.
func (l *RandomFlipLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := preFloat(&l.Base, l.one(inputs))
	if !ctx.Training {
		return l.Finish(x)
	}
	xb, back := l.toBatch(&l.Base, x)
	for i, axis := range []int{2, 1} {
		if (axis == 2 && l.mode == "vertical") || (axis == 1 && l.mode == "horizontal") {
			continue
		}
		u := preUniform(ctx, xb, mix(l.LayerSeed(), uint64(i)), 0, 1)
		coin := ops.Less(u, ops.FullLike(u, 0.5))
		coin = ops.Reshape(coin, -1, 1, 1, 1)
		xb = ops.Where(coin, ops.Flip(xb, axis), xb)
	}
	return l.Finish(back(xb))
}

// Config returns mode, seed and data_format.
func (l *RandomFlipLayer) Config() map[string]any {
	c := l.baseConfig()
	c["mode"], c["seed"], c["data_format"] = l.mode, l.LayerSeed(), preFormatName(l.first)
	return c
}

// RandomAffineLayer is Keras's RandomRotation, RandomZoom or RandomTranslation.
type RandomAffineLayer struct {
	Base
	preImage
	kind          string // "rotation", "zoom", "translation"
	factor        [2]float64
	widthFactor   [2]float64
	hasWidth      bool
	fillMode      string
	fillValue     float64
	interpolation string
}

func newAffine(class, defName, kind string, factor, width [2]float64, hasWidth bool, opts []Option) *RandomAffineLayer {
	keys := []string{"seed", "data_format", "fill_mode", "fill_value", "interpolation", "factor"}
	if kind != "rotation" {
		keys = append(keys, "width_factor")
	}
	o := parse(class, opts, keys...)
	l := &RandomAffineLayer{preImage: preImage{first: o.dataFormat == "channels_first"}, kind: kind,
		factor: rnnGet(o, "factor", factor), widthFactor: rnnGet(o, "width_factor", width),
		fillMode: rnnGet(o, "fill_mode", "reflect"), fillValue: rnnGet(o, "fill_value", 0.0),
		interpolation: rnnGet(o, "interpolation", "bilinear")}
	_, setWidth := o.inits[rnnExtPrefix+"width_factor"].(rnnExt)
	l.hasWidth = hasWidth || setWidth
	l.initBase(class, defName, o)
	switch l.fillMode {
	case "reflect", "wrap", "nearest", "constant":
	default:
		panic(l.errorf("fill_mode must be reflect, wrap, nearest or constant, got %q", l.fillMode))
	}
	if l.interpolation != "bilinear" && l.interpolation != "nearest" {
		panic(l.errorf("interpolation must be bilinear or nearest, got %q", l.interpolation))
	}
	if l.factor[0] > l.factor[1] || l.widthFactor[0] > l.widthFactor[1] {
		panic(l.errorf("factor ranges must have lower <= upper, got %v and %v", l.factor, l.widthFactor))
	}
	return l
}

// RandomRotation returns Keras's RandomRotation layer: while training, each image is rotated
// by an angle uniform in [-factor·2π, factor·2π] (WithFactor(lower, upper) for another range)
// about its centre. Options: WithFillMode (default "reflect"), WithFillValue, WithInterpolation
// ("bilinear" or "nearest"), WithSeed, WithDataFormat, WithName (default "random_rotation").
func RandomRotation(factor float64, opts ...Option) *RandomAffineLayer {
	return newAffine("RandomRotation", "random_rotation", "rotation", [2]float64{-factor, factor}, [2]float64{}, false, opts)
}

// RandomZoom returns Keras's RandomZoom layer: while training, each image is zoomed about its
// centre by 1 + z, z uniform in [-heightFactor, heightFactor] vertically (WithFactor for another
// range) and, horizontally, by the same zoom or by WithWidthFactor's; a positive z zooms out.
// Options as [RandomRotation]; name "random_zoom".
func RandomZoom(heightFactor float64, opts ...Option) *RandomAffineLayer {
	return newAffine("RandomZoom", "random_zoom", "zoom", [2]float64{-heightFactor, heightFactor}, [2]float64{}, false, opts)
}

// RandomTranslation returns Keras's RandomTranslation layer: while training, each image is
// shifted by fractions of its height and width uniform in [-heightFactor, heightFactor] and
// [-widthFactor, widthFactor] (WithFactor and WithWidthFactor for other ranges). Options as
// [RandomRotation]; name "random_translation".
func RandomTranslation(heightFactor, widthFactor float64, opts ...Option) *RandomAffineLayer {
	return newAffine("RandomTranslation", "random_translation", "translation", [2]float64{-heightFactor, heightFactor},
		[2]float64{-widthFactor, widthFactor}, true, opts)
}

// Call transforms the images of its one input while training.
func (l *RandomAffineLayer) Call(ctx Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := preFloat(&l.Base, l.one(inputs))
	if !ctx.Training {
		return l.Finish(x)
	}
	xb, back := l.toBatch(&l.Base, x)
	h, w := xb.Dim(1), xb.Dim(2)
	if h < 0 || w < 0 || xb.Dim(3) < 0 {
		panic(l.errorf("needs known height, width and channels, got shape %v", x.Shape()))
	}
	a := l.transform(ctx, xb, float64(h), float64(w))
	return l.Finish(back(preAffine(xb, a, l.fillMode, l.fillValue, l.interpolation)))
}

// transform draws each example's affine map of output pixel (x, y) to input coordinates
// (a0·x + a1·y + a2, b0·x + b1·y + b2), as Keras's transform matrices; each entry is [batch, 1]
// (or a constant).
func (l *RandomAffineLayer) transform(ctx Context, x *tensor.Tensor, h, w float64) [6]*tensor.Tensor {
	seed := l.LayerSeed()
	c := func(v float64) *tensor.Tensor { return ops.Cast(tensor.Scalar(v), x.DType()) }
	switch l.kind {
	case "rotation":
		angle := preUniform(ctx, x, mix(seed, 1), l.factor[0]*2*math.Pi, l.factor[1]*2*math.Pi)
		cos, sin := ops.Cos(angle), ops.Sin(angle)
		// Rotation about the centre ((w-1)/2, (h-1)/2).
		xOff := ops.MulScalar(ops.Sub(ops.Sub(c(w-1), ops.MulScalar(cos, w-1)), ops.MulScalar(ops.Neg(sin), h-1)), 0.5)
		yOff := ops.MulScalar(ops.Sub(ops.Sub(c(h-1), ops.MulScalar(sin, w-1)), ops.MulScalar(cos, h-1)), 0.5)
		return [6]*tensor.Tensor{cos, ops.Neg(sin), xOff, sin, cos, yOff}
	case "zoom":
		zh := ops.AddScalar(preUniform(ctx, x, mix(seed, 1), l.factor[0], l.factor[1]), 1)
		zw := zh
		if l.hasWidth {
			zw = ops.AddScalar(preUniform(ctx, x, mix(seed, 2), l.widthFactor[0], l.widthFactor[1]), 1)
		}
		xOff := ops.MulScalar(ops.Sub(c(1), zw), (w-1)/2)
		yOff := ops.MulScalar(ops.Sub(c(1), zh), (h-1)/2)
		return [6]*tensor.Tensor{zw, c(0), xOff, c(0), zh, yOff}
	default:
		dy := ops.MulScalar(preUniform(ctx, x, mix(seed, 1), l.factor[0], l.factor[1]), h)
		dx := ops.MulScalar(preUniform(ctx, x, mix(seed, 2), l.widthFactor[0], l.widthFactor[1]), w)
		return [6]*tensor.Tensor{c(1), c(0), ops.Neg(dx), c(0), c(1), ops.Neg(dy)}
	}
}

// Config returns Keras's config.
func (l *RandomAffineLayer) Config() map[string]any {
	c := l.baseConfig()
	switch l.kind {
	case "rotation":
		c["factor"] = l.factor
	case "zoom":
		c["height_factor"] = l.factor
		if l.hasWidth {
			c["width_factor"] = l.widthFactor
		} else {
			c["width_factor"] = nil
		}
	default:
		c["height_factor"], c["width_factor"] = l.factor, l.widthFactor
	}
	c["fill_mode"], c["fill_value"], c["interpolation"] = l.fillMode, l.fillValue, l.interpolation
	c["seed"], c["data_format"] = l.LayerSeed(), preFormatName(l.first)
	return c
}

// preAffine samples the channels-last images x [batch, H, W, C] at the input coordinates of the
// affine map a of each output pixel, with the fill mode and interpolation of TensorFlow's
// ImageProjectiveTransform (Keras's affine_transform).
func preAffine(x *tensor.Tensor, a [6]*tensor.Tensor, fillMode string, fill float64, interpolation string) *tensor.Tensor {
	h, w, ch := x.Dim(1), x.Dim(2), x.Dim(3)
	dt := x.DType()
	gx, gy := make([]float64, h*w), make([]float64, h*w)
	for i := 0; i < h; i++ {
		for j := 0; j < w; j++ {
			gx[i*w+j], gy[i*w+j] = float64(j), float64(i)
		}
	}
	px, py := ops.Cast(tensor.FromSlice(gx, h*w), dt), ops.Cast(tensor.FromSlice(gy, h*w), dt)
	affine := func(c0, c1, c2 *tensor.Tensor) *tensor.Tensor { // [batch, H·W]
		return ops.Add(ops.Add(ops.Mul(c0, px), ops.Mul(c1, py)), c2)
	}
	xin := preMapCoordinate(affine(a[0], a[1], a[2]), float64(w), fillMode)
	yin := preMapCoordinate(affine(a[3], a[4], a[5]), float64(h), fillMode)
	flat := ops.Reshape(x, -1, h*w, ch)
	read := func(xi, yi, weight *tensor.Tensor) *tensor.Tensor {
		valid := ops.LogicalAnd(ops.LogicalAnd(ops.GreaterEqual(xi, ops.ZerosLike(xi)), ops.Less(xi, ops.FullLike(xi, float64(w)))),
			ops.LogicalAnd(ops.GreaterEqual(yi, ops.ZerosLike(yi)), ops.Less(yi, ops.FullLike(yi, float64(h)))))
		cx := ops.ClipScalar(xi, 0, float64(w-1))
		cy := ops.ClipScalar(yi, 0, float64(h-1))
		idx := ops.Cast(ops.Add(ops.MulScalar(cy, float64(w)), cx), dtype.Int64)
		v := ops.GatherND(flat, ops.Unsqueeze(idx, -1), 1) // [batch, H·W, C]
		v = ops.Where(ops.Unsqueeze(valid, -1), v, ops.FullLike(v, fill))
		return ops.Mul(v, ops.Unsqueeze(weight, -1))
	}
	var out *tensor.Tensor
	if interpolation == "nearest" {
		one := ops.OnesLike(xin)
		out = read(ops.Floor(ops.AddScalar(xin, 0.5)), ops.Floor(ops.AddScalar(yin, 0.5)), one)
	} else {
		x0, y0 := ops.Floor(xin), ops.Floor(yin)
		x1, y1 := ops.AddScalar(x0, 1), ops.AddScalar(y0, 1)
		wx1, wy1 := ops.Sub(xin, x0), ops.Sub(yin, y0)
		wx0, wy0 := ops.Sub(ops.OnesLike(wx1), wx1), ops.Sub(ops.OnesLike(wy1), wy1)
		out = ops.Add(ops.Add(read(x0, y0, ops.Mul(wx0, wy0)), read(x1, y0, ops.Mul(wx1, wy0))),
			ops.Add(read(x0, y1, ops.Mul(wx0, wy1)), read(x1, y1, ops.Mul(wx1, wy1))))
	}
	return ops.Reshape(out, -1, h, w, ch)
}

// preMapCoordinate maps coordinates outside [0, n-1] into the image by the fill mode, as
// TensorFlow's MapCoordinate: reflect about the edges' outer borders (half-sample symmetric),
// wrap around, clamp to the nearest edge, or (constant) leave them to be filled.
func preMapCoordinate(c *tensor.Tensor, n float64, mode string) *tensor.Tensor {
	switch mode {
	case "reflect":
		if n <= 1 {
			return ops.ZerosLike(c)
		}
		m := preMod(ops.AddScalar(c, 0.5), 2*n)
		r := ops.Where(ops.Less(m, ops.FullLike(m, n)), m, ops.Sub(ops.FullLike(m, 2*n), m))
		return ops.ClipScalar(ops.AddScalar(r, -0.5), 0, n-1)
	case "wrap":
		if n <= 1 {
			return ops.ZerosLike(c)
		}
		return ops.ClipScalar(preMod(c, n), 0, n-1)
	case "nearest":
		return ops.ClipScalar(c, 0, n-1)
	}
	return c
}

// preMod returns c mod m in [0, m).
func preMod(c *tensor.Tensor, m float64) *tensor.Tensor {
	return ops.Sub(c, ops.MulScalar(ops.Floor(ops.MulScalar(c, 1/m)), m))
}
