package cpu

// SetDirectConv turns the direct channels-last convolution path on or off and returns the
// previous setting, so that tests check the portable path too.
func SetDirectConv(on bool) bool {
	old := cvDirect
	cvDirect = on
	return old
}

// SetRowPath turns the row path of the direct convolutions on or off and returns the previous
// setting.
func SetRowPath(on bool) bool {
	old := cvRowPath
	cvRowPath = on
	return old
}

// SetMinParFlops sets the least work the kernels hand to one more thread and returns the
// previous value, so that tests run small cases on several threads.
func SetMinParFlops(f float64) float64 {
	old := cvMinParFlops
	cvMinParFlops = f
	return old
}
