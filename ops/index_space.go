package ops

import "github.com/tideml/tide/core"

// DepthToSpace and SpaceToDepth move blocks of channels into spatial positions and back. They are
// composites of reshape and transpose, as ONNX defines them, so they need no kernel of their own
// and each one's gradient is the other (the transpose of a permutation is its inverse).

// DepthSpaceParams configures [DepthToSpaceWith] and [SpaceToDepthWith].
type DepthSpaceParams struct {
	// BlockSize is the side of the square blocks (>= 1).
	BlockSize int
	// Mode orders the channels of a block: "DCR" (or "", depth-column-row: the channel index is
	// (row·bs + col)·C + c, ONNX DepthToSpace's default and TensorFlow's depth_to_space) or "CRD"
	// (column-row-depth: c·bs² + row·bs + col, as torch.pixel_shuffle and pixel_unshuffle).
	Mode string
	// Layout is "NHWC" (or "", channels last, Tide's default) or "NCHW" (channels first, as
	// ONNX and PyTorch).
	Layout string
}

// ixSpaceCheck validates p and a rank-4 x for op name and reports whether x is channels first.
func ixSpaceCheck(name string, x *Tensor, p DepthSpaceParams) bool {
	if x.Rank() != 4 {
		panic(core.Errorf(name, "input has shape %v, want rank 4 (%s)", x.Shape(), ixLayoutName(p.Layout)))
	}
	if p.BlockSize < 1 {
		panic(core.Errorf(name, "block size is %d, want >= 1", p.BlockSize))
	}
	if p.Mode != "" && p.Mode != "DCR" && p.Mode != "CRD" {
		panic(core.Errorf(name, "unknown mode %q (want DCR or CRD)", p.Mode))
	}
	if p.Layout != "" && p.Layout != "NHWC" && p.Layout != "NCHW" {
		panic(core.Errorf(name, "unknown layout %q (want NHWC or NCHW)", p.Layout))
	}
	return p.Layout == "NCHW"
}

func ixLayoutName(l string) string {
	if l == "" {
		return "NHWC"
	}
	return l
}

// ixDims returns batch, height, width and channels of x in its layout.
func ixDims(x *Tensor, nchw bool) (n, h, w, c int) {
	s := x.Shape()
	if nchw {
		return s[0], s[2], s[3], s[1]
	}
	return s[0], s[1], s[2], s[3]
}

// DepthToSpace rearranges blocks of channels into blockSize×blockSize spatial blocks of a
// channels-last (NHWC) tensor in DCR order, as tf.nn.depth_to_space: [N, H, W, C·bs²] becomes
// [N, H·bs, W·bs, C]. See [DepthToSpaceWith].
func DepthToSpace(x *Tensor, blockSize int) *Tensor {
	return DepthToSpaceWith(x, DepthSpaceParams{BlockSize: blockSize})
}

// DepthToSpaceWith rearranges blocks of channels into spatial blocks, as ONNX DepthToSpace: the
// channels C·bs² of each position become a bs×bs block of C channels, ordered by p.Mode (DCR as
// ONNX's default and TensorFlow, CRD as torch.pixel_shuffle), in p.Layout (NHWC by default, NCHW
// as ONNX and PyTorch). It panics with a *core.Error if x is not rank 4, the block size is below
// 1, the channels are not a multiple of bs², or the mode or layout is unknown. Its gradient is
// [SpaceToDepthWith] with the same params.
func DepthToSpaceWith(x *Tensor, p DepthSpaceParams) *Tensor {
	nchw := ixSpaceCheck("depth_to_space", x, p)
	n, h, w, c := ixDims(x, nchw)
	bs := p.BlockSize
	if c%(bs*bs) != 0 {
		panic(core.Errorf("depth_to_space", "%d channels of %v are not a multiple of block size² = %d", c, x.Shape(), bs*bs))
	}
	cc := c / (bs * bs)
	crd := p.Mode == "CRD"
	switch {
	case !nchw && !crd:
		x = Transpose(Reshape(x, n, h, w, bs, bs, cc), 0, 1, 3, 2, 4, 5)
	case !nchw && crd:
		x = Transpose(Reshape(x, n, h, w, cc, bs, bs), 0, 1, 4, 2, 5, 3)
	case nchw && !crd:
		x = Transpose(Reshape(x, n, bs, bs, cc, h, w), 0, 3, 4, 1, 5, 2)
	default:
		x = Transpose(Reshape(x, n, cc, bs, bs, h, w), 0, 1, 4, 2, 5, 3)
	}
	if nchw {
		return Reshape(x, n, cc, h*bs, w*bs)
	}
	return Reshape(x, n, h*bs, w*bs, cc)
}

// SpaceToDepth moves blockSize×blockSize spatial blocks of a channels-last (NHWC) tensor into
// channels in DCR order, as tf.nn.space_to_depth: [N, H·bs, W·bs, C] becomes [N, H, W, C·bs²].
// See [SpaceToDepthWith].
func SpaceToDepth(x *Tensor, blockSize int) *Tensor {
	return SpaceToDepthWith(x, DepthSpaceParams{BlockSize: blockSize})
}

// SpaceToDepthWith is the inverse of [DepthToSpaceWith] with the same params, as ONNX
// SpaceToDepth (which has DCR order only; CRD is torch.pixel_unshuffle). It panics with a
// *core.Error if x is not rank 4, the height or width is not a multiple of the block size, or a
// param is invalid. Its gradient is [DepthToSpaceWith].
func SpaceToDepthWith(x *Tensor, p DepthSpaceParams) *Tensor {
	nchw := ixSpaceCheck("space_to_depth", x, p)
	n, hh, ww, c := ixDims(x, nchw)
	bs := p.BlockSize
	if hh%bs != 0 || ww%bs != 0 {
		panic(core.Errorf("space_to_depth", "height %d and width %d of %v must be multiples of the block size %d", hh, ww, x.Shape(), bs))
	}
	h, w := hh/bs, ww/bs
	crd := p.Mode == "CRD"
	switch {
	case !nchw && !crd:
		x = Transpose(Reshape(x, n, h, bs, w, bs, c), 0, 1, 3, 2, 4, 5)
	case !nchw && crd:
		x = Transpose(Reshape(x, n, h, bs, w, bs, c), 0, 1, 3, 5, 2, 4)
	case nchw && !crd:
		x = Transpose(Reshape(x, n, c, h, bs, w, bs), 0, 3, 5, 1, 2, 4)
	default:
		x = Transpose(Reshape(x, n, c, h, bs, w, bs), 0, 1, 3, 5, 2, 4)
	}
	if nchw {
		return Reshape(x, n, c*bs*bs, h, w)
	}
	return Reshape(x, n, h, w, c*bs*bs)
}
