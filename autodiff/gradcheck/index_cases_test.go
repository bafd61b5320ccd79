package gradcheck_test

import (
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// Gradient checks of the indexing, sorting and mask ops (ops/index*.go, ops/sort.go) and their
// composites. Index tensors are integers, which Check holds constant. Inputs of sort, top_k and
// the max/min scatters are random normals, whose gaps are far wider than the finite-difference
// step, so no perturbation reorders them; the mul scatter's updates stay away from zero, where
// its update gradient (g·out/update) is singular.

func ixIdx(v []int64, dims ...int) *T { return tensor.FromSlice(v, dims...) }

func init() {
	addCases("gather",
		gradCase{"rows with repeats", func(x []*T) *T { return ops.Gather(x[0], x[1], 0) },
			[]*T{normal(201, 4, 3), ixIdx([]int64{2, 0, 2, -1}, 4)}, nil},
		gradCase{"matrix indices, middle axis", func(x []*T) *T { return ops.Gather(x[0], x[1], -2) },
			[]*T{normal(202, 2, 5, 3), ixIdx([]int64{4, 0, 1, 4}, 2, 2)}, nil},
		gradCase{"scalar index", func(x []*T) *T { return ops.Gather(x[0], x[1], 1) },
			[]*T{normal(203, 3, 4), tensor.Scalar(int64(-2))}, nil},
	)
	addCases("take_along_axis",
		gradCase{"axis 1", func(x []*T) *T { return ops.TakeAlongAxis(x[0], x[1], 1) },
			[]*T{normal(204, 3, 4), ixIdx([]int64{0, 0, 3, 1, 2, -1, 3, 3, 0}, 3, 3)}, nil},
		gradCase{"smaller index, axis 0", func(x []*T) *T { return ops.TakeAlongAxis(x[0], x[1], 0) },
			[]*T{normal(205, 4, 3), ixIdx([]int64{3, 1, 1, 0}, 2, 2)}, nil},
	)
	addCases("gather_nd",
		gradCase{"tuples", func(x []*T) *T { return ops.GatherND(x[0], x[1], 0) },
			[]*T{normal(206, 3, 4), ixIdx([]int64{0, 1, 2, 3, 0, 1, -1, 0}, 4, 2)}, nil},
		gradCase{"slices, batch 1", func(x []*T) *T { return ops.GatherND(x[0], x[1], 1) },
			[]*T{normal(207, 2, 3, 4), ixIdx([]int64{2, 2, 0, 1}, 2, 2, 1)}, nil},
	)
	// scatter_elements, one case per reduction. "none" uses distinct positions (the gradient is
	// only exact for them, as in PyTorch); the others repeat indices so that reductions happen.
	distinct := ixIdx([]int64{1, 3, 0, -1, 2, 3}, 2, 3)
	repeats := ixIdx([]int64{1, 1, 0, 2, 1, 2}, 2, 3)
	scatter := func(red string, idx *T) func(x []*T) *T {
		return func(x []*T) *T { return ops.ScatterReduce(x[0], idx, x[1], 0, red) }
	}
	addCases("scatter_elements",
		gradCase{"none", scatter("none", distinct), []*T{normal(208, 4, 3), normal(209, 2, 3)}, nil},
		gradCase{"add", scatter("add", repeats), []*T{normal(210, 4, 3), normal(211, 2, 3)}, nil},
		gradCase{"mul", scatter("mul", repeats), []*T{normal(212, 4, 3), awayFromZero(213, 2, 3)}, nil},
		gradCase{"max", scatter("max", repeats), []*T{normal(214, 4, 3), normal(215, 2, 3)}, nil},
		gradCase{"min", scatter("min", repeats), []*T{normal(216, 4, 3), normal(217, 2, 3)}, nil},
		gradCase{"scatter_add along axis 1", func(x []*T) *T { return ops.ScatterAdd(x[0], ixIdx([]int64{0, 0, 4, 2}, 2, 2), x[1], 1) },
			[]*T{normal(218, 2, 5), normal(219, 2, 2)}, nil},
	)
	ndDistinct := ixIdx([]int64{0, 1, 2, 3, -1, 0}, 3, 2)
	ndRepeats := ixIdx([]int64{1, 1, 1, 1, 0, 2}, 3, 2)
	scatterND := func(red string, idx *T) func(x []*T) *T {
		return func(x []*T) *T { return ops.ScatterND(x[0], idx, x[1], red) }
	}
	addCases("scatter_nd",
		gradCase{"none", scatterND("none", ndDistinct), []*T{normal(220, 3, 4), normal(221, 3)}, nil},
		gradCase{"add", scatterND("add", ndRepeats), []*T{normal(222, 3, 4), normal(223, 3)}, nil},
		gradCase{"mul", scatterND("mul", ndRepeats), []*T{normal(224, 3, 4), awayFromZero(225, 3)}, nil},
		gradCase{"max", scatterND("max", ndRepeats), []*T{normal(226, 3, 4), normal(227, 3)}, nil},
		gradCase{"min", scatterND("min", ndRepeats), []*T{normal(228, 3, 4), normal(229, 3)}, nil},
		gradCase{"row slices, batch 1", func(x []*T) *T {
			return ops.ScatterNDWith(x[0], ixIdx([]int64{1, 1, 0, 2}, 2, 2, 1), x[1], ops.ScatterNDParams{Reduction: "add", BatchDims: 1})
		}, []*T{normal(230, 2, 3, 2), normal(231, 2, 2, 2)}, nil},
	)
	addCases("sort",
		gradCase{"ascending rows", func(x []*T) *T { return ops.Sort(x[0], -1, false) }, []*T{normal(232, 3, 5)}, nil},
		gradCase{"descending axis 0", func(x []*T) *T { return ops.Sort(x[0], 0, true) }, []*T{normal(233, 4, 3)}, nil},
	)
	addCases("top_k",
		gradCase{"largest", func(x []*T) *T { v, _ := ops.TopK(x[0], 2); return v }, []*T{normal(234, 3, 5)}, nil},
		gradCase{"smallest unsorted axis 0", func(x []*T) *T {
			v, _ := ops.TopKWith(x[0], ops.TopKParams{K: 3, Axis: 0, Smallest: true, Unsorted: true})
			return v
		}, []*T{normal(235, 5, 2)}, nil},
	)
	// Composites: their gradients come from the primitives they are made of.
	addCases("tril", gradCase{"batch k=1", func(x []*T) *T { return ops.Tril(x[0], 1) }, []*T{normal(236, 2, 3, 4)}, nil})
	addCases("triu", gradCase{"k=-1", func(x []*T) *T { return ops.Triu(x[0], -1) }, []*T{normal(237, 4, 3)}, nil})
	addCases("depth_to_space",
		gradCase{"DCR NHWC", func(x []*T) *T { return ops.DepthToSpace(x[0], 2) }, []*T{normal(238, 1, 2, 1, 8)}, nil},
		gradCase{"CRD NCHW", func(x []*T) *T {
			return ops.DepthToSpaceWith(x[0], ops.DepthSpaceParams{BlockSize: 2, Mode: "CRD", Layout: "NCHW"})
		}, []*T{normal(239, 1, 8, 1, 2)}, nil},
	)
	addCases("space_to_depth",
		gradCase{"DCR NHWC", func(x []*T) *T { return ops.SpaceToDepth(x[0], 2) }, []*T{normal(240, 1, 2, 4, 2)}, nil},
		gradCase{"CRD NCHW", func(x []*T) *T {
			return ops.SpaceToDepthWith(x[0], ops.DepthSpaceParams{BlockSize: 2, Mode: "CRD", Layout: "NCHW"})
		}, []*T{normal(241, 1, 2, 2, 4)}, nil},
	)
	addCases("random_shuffle", gradCase{"rows", func(x []*T) *T { return ops.RandomShuffle(7, x[0]) }, []*T{normal(242, 5, 2)}, nil})
}
