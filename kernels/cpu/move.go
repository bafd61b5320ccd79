package cpu

import (
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Movement kernels: transpose and strided slices as one strided copy, row by row, with no index
// map (the reference kernels build one the size of the output).

func init() {
	tr, sl := core.Lookup("transpose"), core.Lookup("slice")
	for _, dt := range dtype.All {
		core.RegisterKernel(tr, dt, "cpu", core.PriorityFast, mvTranspose)
		core.RegisterKernel(sl, dt, "cpu", core.PriorityFast, mvSlice)
	}
}

func mvTranspose(p ops.PermParams, in, out []*tensor.Tensor) error {
	s := in[0].Shape()
	perm, err := shape.CheckPerm(p.Perm, len(s))
	if err != nil {
		return err
	}
	sst := s.Strides()
	st := make([]int, len(perm))
	for i, a := range perm {
		st[i] = sst[a]
	}
	mvStrided(out[0], in[0], 0, st)
	return nil
}

func mvSlice(p ops.SliceParams, in, out []*tensor.Tensor) error {
	s := in[0].Shape()
	starts, steps, _, err := ops.SliceBounds(p, s)
	if err != nil {
		return err
	}
	sst := s.Strides()
	st := make([]int, len(s))
	base := 0
	for a := range s {
		st[a] = steps[a] * sst[a]
		base += starts[a] * sst[a]
	}
	mvStrided(out[0], in[0], base, st)
	return nil
}

// mvStrided sets dst's element at multi-index o to src's flat element base + Σ o[a]·st[a].
func mvStrided(dst, src *tensor.Tensor, base int, st []int) {
	sh := dst.Shape()
	switch d := dst.Raw().(type) {
	case []float32:
		mvCopy(d, src.Raw().([]float32), sh, base, st)
	case []float64:
		mvCopy(d, src.Raw().([]float64), sh, base, st)
	case []int64:
		mvCopy(d, src.Raw().([]int64), sh, base, st)
	case []int32:
		mvCopy(d, src.Raw().([]int32), sh, base, st)
	case []int8:
		mvCopy(d, src.Raw().([]int8), sh, base, st)
	case []uint8:
		mvCopy(d, src.Raw().([]uint8), sh, base, st)
	case []bool:
		mvCopy(d, src.Raw().([]bool), sh, base, st)
	case []dtype.F16:
		mvCopy(d, src.Raw().([]dtype.F16), sh, base, st)
	case []dtype.BF16:
		mvCopy(d, src.Raw().([]dtype.BF16), sh, base, st)
	}
}

func mvCopy[T any](d, s []T, sh shape.Shape, base int, st []int) {
	n := len(d)
	if n == 0 {
		return
	}
	r := len(sh)
	if r == 0 {
		d[0] = s[base]
		return
	}
	inner, is := sh[r-1], st[r-1]
	pos := make([]int, r-1)
	off := base
	for o := 0; o < n; o += inner {
		row := d[o : o+inner]
		if is == 1 {
			copy(row, s[off:off+inner])
		} else {
			j := off
			for i := range row {
				row[i] = s[j]
				j += is
			}
		}
		for k := r - 2; k >= 0; k-- {
			pos[k]++
			off += st[k]
			if pos[k] < sh[k] {
				break
			}
			off -= st[k] * pos[k]
			pos[k] = 0
		}
	}
}
