// Package tide is a machine-learning platform for Go: define, train, evaluate and ship neural
// networks without leaving Go. This root package holds no code; start with package tensor
// (arrays), ops (the math), autodiff (gradients) and the README.
package tide
