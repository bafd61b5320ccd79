package gemm

// direct computes the product with plain loops and no packing: for
// matrix-vector products (m == 1 or n == 1), which read each element of A or
// B once so packing cannot pay, and for tiny products.
func (p *problem[T]) direct(kn *kernel[T]) {
	if int64(p.m)*int64(p.n)*int64(p.k) <= smallWork {
		p.tiny()
		return
	}
	if p.n == 1 {
		p.gemvColumn(kn)
		return
	}
	for i := 0; i < p.m; i++ {
		row := p.c[i*p.ldc : i*p.ldc+p.n]
		scaleC(row, 0, 0, 1, 0, p.n, p.beta)
		if !p.transB {
			// Row i of C gathers the rows of B weighted by row i of A.
			for q := 0; q < p.k; q++ {
				kn.axpy(p.alpha*p.atA(i, q), p.b[q*p.ldb:q*p.ldb+p.n], row)
			}
			continue
		}
		// Element (i, j) is a dot product of row i of op(A) and row j of B.
		ax, inc := p.rowA(i)
		for j := range row {
			bj := p.b[j*p.ldb : j*p.ldb+p.k]
			if inc == 1 {
				row[j] += p.alpha * kn.dot(bj, ax)
				continue
			}
			row[j] += p.alpha * dot(ax, inc, bj, 1, p.k)
		}
	}
}

// tiny computes the product element by element: for the smallest shapes
// any call or setup per row costs more than the arithmetic.
func (p *problem[T]) tiny() {
	a, b, c := p.a, p.b, p.c
	m, n, k, ldc := p.m, p.n, p.k, p.ldc
	alpha, beta := p.alpha, p.beta
	// Strides of op(A) along its rows and along k, and of op(B) along k and
	// along its columns.
	ai, ak, bk, bj := p.lda, 1, p.ldb, 1
	if p.transA {
		ai, ak = 1, p.lda
	}
	if p.transB {
		bk, bj = 1, p.ldb
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		j := 0
		// Four columns at a time: four independent sums keep the adder busy.
		for ; j+4 <= n; j += 4 {
			var s0, s1, s2, s3 T
			ia, ib := i*ai, j*bj
			for range k {
				av := a[ia]
				s0 += av * b[ib]
				s1 += av * b[ib+bj]
				s2 += av * b[ib+2*bj]
				s3 += av * b[ib+3*bj]
				ia += ak
				ib += bk
			}
			r := row[j : j+4 : j+4]
			if beta == 0 {
				r[0], r[1], r[2], r[3] = alpha*s0, alpha*s1, alpha*s2, alpha*s3
			} else {
				r[0], r[1] = alpha*s0+beta*r[0], alpha*s1+beta*r[1]
				r[2], r[3] = alpha*s2+beta*r[2], alpha*s3+beta*r[3]
			}
		}
		for ; j < n; j++ {
			var s T
			ia, ib := i*ai, j*bj
			for range k {
				s += a[ia] * b[ib]
				ia += ak
				ib += bk
			}
			if beta == 0 {
				row[j] = alpha * s
			} else {
				row[j] = alpha*s + beta*row[j]
			}
		}
	}
}

// gemvColumn computes C (m×1) = alpha*op(A)*op(B) + beta*C, where op(B) is a
// column.
func (p *problem[T]) gemvColumn(kn *kernel[T]) {
	bx, incB := p.b, p.ldb // op(B)(q, 0) = b[q*ldb]
	if p.transB {
		incB = 1 // op(B)(q, 0) = b[q]
	}
	for i := 0; i < p.m; i++ {
		ax, incA := p.rowA(i)
		var s T
		if incA == 1 && incB == 1 {
			s = p.alpha * kn.dot(ax[:p.k], bx)
		} else {
			s = p.alpha * dot(ax, incA, bx, incB, p.k)
		}
		ci := &p.c[i*p.ldc]
		switch p.beta {
		case 0:
			*ci = s
		case 1:
			*ci += s
		default:
			*ci = p.beta**ci + s
		}
	}
}

// atA returns op(A)(i, q).
func (p *problem[T]) atA(i, q int) T {
	if p.transA {
		return p.a[q*p.lda+i]
	}
	return p.a[i*p.lda+q]
}

// rowA returns row i of op(A) as a slice and an element stride.
func (p *problem[T]) rowA(i int) ([]T, int) {
	if p.transA {
		return p.a[i:], p.lda
	}
	return p.a[i*p.lda:], 1
}

// axpy computes y += alpha*x for len(x) == len(y).
func axpy[T float](alpha T, x, y []T) {
	y = y[:len(x)]
	n := len(x) &^ 3
	for i := 0; i < n; i += 4 {
		xs, ys := x[i:i+4:i+4], y[i:i+4:i+4]
		ys[0] += alpha * xs[0]
		ys[1] += alpha * xs[1]
		ys[2] += alpha * xs[2]
		ys[3] += alpha * xs[3]
	}
	for i := n; i < len(x); i++ {
		y[i] += alpha * x[i]
	}
}

// dotUnit returns the dot product of x and y[:len(x)].
func dotUnit[T float](x, y []T) T { return dot(x, 1, y, 1, len(x)) }

// dot returns the sum over i < n of x[i*incX]*y[i*incY].
func dot[T float](x []T, incX int, y []T, incY, n int) T {
	if n == 0 {
		return 0
	}
	if incX == 1 && incY == 1 {
		x, y = x[:n], y[:n]
		var s0, s1, s2, s3 T
		m := n &^ 3
		for i := 0; i < m; i += 4 {
			xs, ys := x[i:i+4:i+4], y[i:i+4:i+4]
			s0 += xs[0] * ys[0]
			s1 += xs[1] * ys[1]
			s2 += xs[2] * ys[2]
			s3 += xs[3] * ys[3]
		}
		for i := m; i < n; i++ {
			s0 += x[i] * y[i]
		}
		return (s0 + s1) + (s2 + s3)
	}
	var s T
	for i := 0; i < n; i++ {
		s += x[i*incX] * y[i*incY]
	}
	return s
}
