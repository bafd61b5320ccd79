package ref

// MatMul computes c[i] = op(a[ia[i]]) · op(b[ib[i]]) for each batch entry i, where op transposes
// when ta/tb is set. a holds matrices of m×k (k×m when ta), b of k×n (n×k when tb), c of m×n;
// ia and ib give the batch entry of a and b used for each output matrix (broadcasting).
// Accumulation is in T: float64 for every float dtype, int64 for integers.
func MatMul[T Scalar](c, a, b []T, ia, ib []int, m, n, k int, ta, tb bool) {
	for bi := range ia {
		ao, bo, co := ia[bi]*m*k, ib[bi]*k*n, bi*m*n
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var s T
				for p := 0; p < k; p++ {
					x := a[ao+i*k+p]
					if ta {
						x = a[ao+p*m+i]
					}
					y := b[bo+p*n+j]
					if tb {
						y = b[bo+j*k+p]
					}
					s += x * y
				}
				c[co+i*n+j] = s
			}
		}
	}
}
