// Package shape describes tensor dimensions: [Shape], NumPy broadcasting ([Broadcast]),
// axis normalisation ([NormalizeAxis], negative axes count from the end) and reshape resolution
// ([Resolve], one -1 inferred).
//
// Shape functions are pure and return errors; the layers above turn them into panics that name
// the operation.
package shape
