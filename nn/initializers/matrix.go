package initializers

import (
	"math"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// orthogonal draws a random orthogonal matrix.
type orthogonal struct{ gain float64 }

// Orthogonal returns Keras's orthogonal initializer, the default of recurrent kernels: a weight
// of shape [d..., n] is viewed as a matrix with prod(d) rows and n columns, which gets orthonormal
// columns (or rows, when there are fewer rows than columns) times gain. The matrix is the Q of the
// QR decomposition of a standard normal matrix, with the signs of R's diagonal folded in so that
// it is uniformly distributed (Haar measure); the decomposition runs in float64 in plain Go.
func Orthogonal(gain float64) Initializer { return orthogonal{gain} }

func (o orthogonal) Init(seed uint64, dt dtype.DType, dims ...int) *tensor.Tensor {
	if len(dims) < 2 {
		panic(core.Errorf("initializers.Orthogonal", "needs a shape of rank >= 2, got %v", dims))
	}
	if !dt.IsFloat() {
		panic(core.Errorf("initializers.Orthogonal", "needs a float dtype, got %v", dt))
	}
	cols := dims[len(dims)-1]
	rows := 1
	for _, d := range dims[:len(dims)-1] {
		rows *= d
	}
	// Work on the tall orientation m×n with m >= n, as Keras transposes a wide matrix.
	m, n := rows, cols
	if rows < cols {
		m, n = cols, rows
	}
	a := tensor.Random(dtype.Float64, tensor.Normal, seed, m, n).Float64s()
	q := orthonormalColumns(a, m, n)
	out := make([]float64, rows*cols)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			v := o.gain * q[i*n+j]
			if rows < cols {
				out[j*cols+i] = v
			} else {
				out[i*cols+j] = v
			}
		}
	}
	return fromFloat64s(dt, out, dims)
}

// orthonormalColumns returns Q·diag(sign(diag(R))) for the thin QR decomposition A = QR of the
// row-major m×n matrix a (m >= n), by modified Gram-Schmidt with one re-orthogonalisation pass
// ("twice is enough"). With R's diagonal made positive, this Q is unique and equals the
// sign-corrected Q of Keras. A column that is (numerically) dependent on the previous ones is
// left zero; for a random normal matrix that happens with probability zero.
func orthonormalColumns(a []float64, m, n int) []float64 {
	q := make([]float64, m*n)
	col := make([]float64, m)
	for j := 0; j < n; j++ {
		for i := 0; i < m; i++ {
			col[i] = a[i*n+j]
		}
		for pass := 0; pass < 2; pass++ {
			for k := 0; k < j; k++ {
				dot := 0.0
				for i := 0; i < m; i++ {
					dot += q[i*n+k] * col[i]
				}
				for i := 0; i < m; i++ {
					col[i] -= dot * q[i*n+k]
				}
			}
		}
		norm := 0.0
		for _, v := range col {
			norm += v * v
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			continue
		}
		for i := 0; i < m; i++ {
			q[i*n+j] = col[i] / norm
		}
	}
	return q
}

func (o orthogonal) Config() map[string]any {
	return classConfig("Orthogonal", map[string]any{"gain": o.gain, "seed": nil})
}

// identity is gain times the identity matrix.
type identity struct{ gain float64 }

// Identity returns Keras's identity initializer: gain on the main diagonal of a matrix (which
// need not be square) and zeros elsewhere. Init panics with a *core.Error for a shape that is
// not a matrix.
func Identity(gain float64) Initializer { return identity{gain} }

func (id identity) Init(_ uint64, dt dtype.DType, dims ...int) *tensor.Tensor {
	if len(dims) != 2 {
		panic(core.Errorf("initializers.Identity", "needs a 2-D shape, got %v", dims))
	}
	t := tensor.Zeros(dt, dims...)
	for i := 0; i < min(dims[0], dims[1]); i++ {
		t.Set(id.gain, i, i)
	}
	return t
}

func (id identity) Config() map[string]any {
	return classConfig("IdentityInitializer", map[string]any{"gain": id.gain})
}
