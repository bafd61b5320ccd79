// Package errs holds the error type that the math API panics with. It sits below every package
// that can raise it (dtype, shape, tensor); users know it as core.Error.
package errs
