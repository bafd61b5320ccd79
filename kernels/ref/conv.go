package ref

// Reference loops of the convolution family: the forward convolution, its transpose (the
// gradient with respect to the input, and the transposed-convolution op) and the gradient with
// respect to the filter. All three are described by the geometry of one forward convolution,
// so the transposed convolution of a given geometry is exactly the adjoint of its convolution.

// ConvGeom is the geometry of a forward convolution with up to three spatial dimensions (unused
// ones have size 1, stride 1, dilation 1 and no padding) in any memory layout: the element
// strides of the input, output and filter are given per logical axis.
//
// Output position o of spatial dimension d reads input position o·Stride[d] + k·Dilation[d] −
// Pad[d] for each kernel position k < Kernel[d]; positions outside [0, In[d]) are padding and
// read as zero. Group g maps input channels [g·InG, (g+1)·InG) to output channels
// [g·OutG, (g+1)·OutG).
type ConvGeom struct {
	N, Groups, InG, OutG int
	In, Out, Kernel      [3]int
	Stride, Dilation     [3]int
	Pad                  [3]int // padding before each spatial dimension (the end is implied by Out)
	// X and Y are the strides of the input and output for batch, channel and spatial 0..2;
	// W those of the filter for output channel, input channel within the group and kernel 0..2.
	X, Y, W [5]int
}

// convIn returns the input position read by output position o and kernel position k of
// spatial dimension d, and whether it is inside the input.
func (g *ConvGeom) convIn(d, o, k int) (int, bool) {
	i := o*g.Stride[d] + k*g.Dilation[d] - g.Pad[d]
	return i, i >= 0 && i < g.In[d]
}

// convTaps calls f(xOff, wOff) for every kernel position of output position (o0, o1, o2) that
// reads inside the input, with the offsets of spatial position and kernel position alone.
func (g *ConvGeom) convTaps(o0, o1, o2 int, f func(xo, wo int)) {
	for k0 := 0; k0 < g.Kernel[0]; k0++ {
		i0, ok := g.convIn(0, o0, k0)
		if !ok {
			continue
		}
		for k1 := 0; k1 < g.Kernel[1]; k1++ {
			i1, ok := g.convIn(1, o1, k1)
			if !ok {
				continue
			}
			for k2 := 0; k2 < g.Kernel[2]; k2++ {
				i2, ok := g.convIn(2, o2, k2)
				if !ok {
					continue
				}
				f(i0*g.X[2]+i1*g.X[3]+i2*g.X[4], k0*g.W[2]+k1*g.W[3]+k2*g.W[4])
			}
		}
	}
}

// convOutputs calls f(n, group, yOff, xBase, o0, o1, o2) for every batch entry, group and output
// position, where yOff is the offset of the output position for the group's first channel and
// xBase that of the batch entry and the group's first input channel.
func (g *ConvGeom) convOutputs(f func(grp, yo, xb, o0, o1, o2 int)) {
	for n := 0; n < g.N; n++ {
		for grp := 0; grp < g.Groups; grp++ {
			xb := n*g.X[0] + grp*g.InG*g.X[1]
			for o0 := 0; o0 < g.Out[0]; o0++ {
				for o1 := 0; o1 < g.Out[1]; o1++ {
					for o2 := 0; o2 < g.Out[2]; o2++ {
						yo := n*g.Y[0] + grp*g.OutG*g.Y[1] + o0*g.Y[2] + o1*g.Y[3] + o2*g.Y[4]
						f(grp, yo, xb, o0, o1, o2)
					}
				}
			}
		}
	}
}

// Conv computes the convolution y = x ⋆ w (cross-correlation, as every ML framework) described
// by g. y must be zeroed; sums are accumulated in T in the order batch, kernel position, input
// channel.
func Conv[T Scalar](y, x, w []T, g *ConvGeom) {
	acc := make([]T, g.OutG)
	inG, xc, wi, wo0, yc := g.InG, g.X[1], g.W[1], g.W[0], g.Y[1]
	g.convOutputs(func(grp, yo, xb, o0, o1, o2 int) {
		clear(acc)
		wb := grp * g.OutG * g.W[0]
		g.convTaps(o0, o1, o2, func(xo, wo int) {
			xo += xb
			wo += wb
			for ci := 0; ci < inG; ci++ {
				xv := x[xo+ci*xc]
				wc := wo + ci*wi
				for oc := range acc {
					acc[oc] += xv * w[wc+oc*wo0]
				}
			}
		})
		for oc, v := range acc {
			y[yo+oc*yc] = v
		}
	})
}

// ConvTranspose computes x = the adjoint (transpose) of the convolution g applied to y: each
// output-shaped element y[o] is spread over the input positions it was computed from, weighted by
// the filter. x (input-shaped) must be zeroed. It is the gradient of [Conv] with respect to its
// input, and the transposed convolution (ONNX ConvTranspose) of y.
func ConvTranspose[T Scalar](x, y, w []T, g *ConvGeom) {
	inG, outG, xc, wi, wo0, yc := g.InG, g.OutG, g.X[1], g.W[1], g.W[0], g.Y[1]
	g.convOutputs(func(grp, yo, xb, o0, o1, o2 int) {
		wb := grp * g.OutG * g.W[0]
		g.convTaps(o0, o1, o2, func(xo, wo int) {
			xo += xb
			wo += wb
			for ci := 0; ci < inG; ci++ {
				var s T
				wc := wo + ci*wi
				for oc := 0; oc < outG; oc++ {
					s += y[yo+oc*yc] * w[wc+oc*wo0]
				}
				x[xo+ci*xc] += s
			}
		})
	})
}

// ConvFilterGrad computes the gradient dw of the convolution g with respect to its filter, for
// the input x and the gradient dy of the output: dw[oc, ci, k] = Σ over batch and output
// positions of dy[o, oc]·x[o·stride + k·dilation − pad, ci]. dw must be zeroed.
func ConvFilterGrad[T Scalar](dw, x, dy []T, g *ConvGeom) {
	inG, outG, xc, wi, wo0, yc := g.InG, g.OutG, g.X[1], g.W[1], g.W[0], g.Y[1]
	g.convOutputs(func(grp, yo, xb, o0, o1, o2 int) {
		wb := grp * g.OutG * g.W[0]
		g.convTaps(o0, o1, o2, func(xo, wo int) {
			xo += xb
			wo += wb
			for ci := 0; ci < inG; ci++ {
				xv := x[xo+ci*xc]
				wc := wo + ci*wi
				for oc := 0; oc < outG; oc++ {
					dw[wc+oc*wo0] += xv * dy[yo+oc*yc]
				}
			}
		})
	})
}
