package ref

// Reference loops of max and average pooling with up to three spatial dimensions.

// PoolGeom is the geometry of a pooling with up to three spatial dimensions (unused ones have
// size 1, window 1, stride 1, dilation 1 and no padding) in any memory layout.
//
// Output position o of spatial dimension d covers the window positions o·Stride[d] +
// k·Dilation[d] − Pad[d] for k < Window[d]; those outside [0, In[d]) are padding, and those
// outside [−Pad[d], In[d] + PadEnd[d]) lie beyond the padding (ceil mode's last window).
type PoolGeom struct {
	N, C             int
	In, Out, Window  [3]int
	Stride, Dilation [3]int
	Pad, PadEnd      [3]int
	X, Y             [5]int // strides of input and output: batch, channel, spatial 0..2
	CountIncludePad  bool   // average pooling divides by the window positions inside the padded input
}

// poolPos returns the input position of output position o and window position k of spatial
// dimension d, whether it is inside the input, and whether it is inside the padded input.
func (g *PoolGeom) poolPos(d, o, k int) (i int, in, padded bool) {
	i = o*g.Stride[d] + k*g.Dilation[d] - g.Pad[d]
	return i, i >= 0 && i < g.In[d], i >= -g.Pad[d] && i < g.In[d]+g.PadEnd[d]
}

// poolOutputs calls f(xBase, yOff, o0, o1, o2) for every batch entry, channel and output
// position, with the offset of the batch entry and channel in x and of the output element in y.
func (g *PoolGeom) poolOutputs(f func(xb, yo, o0, o1, o2 int)) {
	for n := 0; n < g.N; n++ {
		for c := 0; c < g.C; c++ {
			xb := n*g.X[0] + c*g.X[1]
			for o0 := 0; o0 < g.Out[0]; o0++ {
				for o1 := 0; o1 < g.Out[1]; o1++ {
					for o2 := 0; o2 < g.Out[2]; o2++ {
						f(xb, n*g.Y[0]+c*g.Y[1]+o0*g.Y[2]+o1*g.Y[3]+o2*g.Y[4], o0, o1, o2)
					}
				}
			}
		}
	}
}

// poolWindow calls f(xOff) for the input offset (spatial part) of every window position of
// output position (o0, o1, o2) inside the input, in row-major window order, and returns the
// number of window positions inside the padded input.
func (g *PoolGeom) poolWindow(o0, o1, o2 int, f func(xo int)) (padded int) {
	o := [3]int{o0, o1, o2}
	padded = 1
	for d := range o {
		n := 0
		for k := 0; k < g.Window[d]; k++ {
			if _, _, pad := g.poolPos(d, o[d], k); pad {
				n++
			}
		}
		padded *= n
	}
	for k0 := 0; k0 < g.Window[0]; k0++ {
		i0, in0, _ := g.poolPos(0, o0, k0)
		if !in0 {
			continue
		}
		for k1 := 0; k1 < g.Window[1]; k1++ {
			i1, in1, _ := g.poolPos(1, o1, k1)
			if !in1 {
				continue
			}
			for k2 := 0; k2 < g.Window[2]; k2++ {
				if i2, in2, _ := g.poolPos(2, o2, k2); in2 {
					f(i0*g.X[2] + i1*g.X[3] + i2*g.X[4])
				}
			}
		}
	}
	return padded
}

// MaxPoolIndex returns, for each output element (indexed by its offset in the output), the
// offset in x of the window element that max pooling selects: the first maximum in row-major
// window order, as PyTorch, except that a NaN is always selected (the last NaN of the window),
// so that NaN propagates. Every window must hold at least one input element.
func MaxPoolIndex[T Scalar](x []T, g *PoolGeom, outSize int) []int {
	arg := make([]int, outSize)
	g.poolOutputs(func(xb, yo, o0, o1, o2 int) {
		best := -1
		var bv T
		g.poolWindow(o0, o1, o2, func(xo int) {
			v := x[xb+xo]
			if best < 0 || v > bv || v != v {
				best, bv = xb+xo, v
			}
		})
		arg[yo] = best
	})
	return arg
}

// ScatterAdd adds src[i] into dst[idx[i]] for every i: the adjoint of gathering dst at idx.
func ScatterAdd[T Scalar](dst, src []T, idx []int) {
	for i, j := range idx {
		dst[j] += src[i]
	}
}

// AvgPool computes average pooling of x into y: the sum of each window's input elements divided
// by their count, or, with CountIncludePad, by the number of window positions inside the padded
// input.
func AvgPool(y, x []float64, g *PoolGeom) {
	g.poolOutputs(func(xb, yo, o0, o1, o2 int) {
		s, n := 0.0, 0
		padded := g.poolWindow(o0, o1, o2, func(xo int) { s += x[xb+xo]; n++ })
		if g.CountIncludePad {
			n = padded
		}
		y[yo] = s / float64(n)
	})
}

// AvgPoolTranspose computes the adjoint of [AvgPool]: each dy element, divided by its window's
// count, is added to every input element of its window. dx must be zeroed.
func AvgPoolTranspose(dx, dy []float64, g *PoolGeom) {
	g.poolOutputs(func(xb, yo, o0, o1, o2 int) {
		n := 0
		padded := g.poolWindow(o0, o1, o2, func(int) { n++ })
		if g.CountIncludePad {
			n = padded
		}
		v := dy[yo] / float64(n)
		g.poolWindow(o0, o1, o2, func(xo int) { dx[xb+xo] += v })
	})
}
