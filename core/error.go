package core

import "github.com/tideml/tide/internal/errs"

// Error is the one error type the math API panics with when a caller makes a mistake: a shape
// that does not fit, a wrong dtype, an axis out of range. Its message names the operation, what it
// wanted and what it got, and the file:line of the calling code outside Tide.
type Error = errs.Error

// Errorf returns an *Error for op with a formatted message and the caller's position.
func Errorf(op, format string, args ...any) *Error { return errs.New(op, format, args...) }

// Recover turns a panicking *Error into an error stored in *errp, and lets every other panic
// continue: a bug is not a caller's mistake. Use it deferred at entry points that run user code:
//
//	func (m *Model) Fit(...) (err error) {
//		defer core.Recover(&err)
//		...
//	}
func Recover(errp *error) {
	r := recover()
	if r == nil {
		return
	}
	if e, ok := r.(*Error); ok {
		*errp = e
		return
	}
	panic(r)
}

// Catch runs fn and returns the *Error it panicked with, or nil; other panics propagate.
func Catch(fn func()) (err error) {
	defer Recover(&err)
	fn()
	return nil
}
