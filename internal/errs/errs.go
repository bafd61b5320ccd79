package errs

import (
	"fmt"
	"runtime"
	"strings"
)

// Error is a caller's mistake found by the math API: a wrong shape, dtype or argument.
// Op names the operation ("add", "tensor.Reshape"), Err says what was wanted and what was got,
// and Caller is the file:line of the first frame outside Tide, so the faulty line is easy to find.
type Error struct {
	Op     string
	Err    error
	Caller string
}

// Error returns "op: message (at file:line)".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	if e.Caller != "" {
		b.WriteString(" (at ")
		b.WriteString(e.Caller)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// New returns an *Error for op with a formatted message and the caller filled in.
func New(op, format string, args ...any) *Error {
	return &Error{Op: op, Err: fmt.Errorf(format, args...), Caller: caller()}
}

// Wrap returns err as an *Error for op with the caller filled in. An err that is already an
// *Error is returned as it is.
func Wrap(op string, err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return &Error{Op: op, Err: err, Caller: caller()}
}

// Panic panics with New(op, format, args...).
func Panic(op, format string, args ...any) {
	panic(New(op, format, args...))
}

const modulePrefix = "github.com/tideml/tide/"

// caller returns file:line of the first stack frame whose function is not in the Tide module
// (tests of the module count as callers), or "" if there is none.
func caller() string {
	var pcs [32]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, modulePrefix) || strings.HasSuffix(f.File, "_test.go") {
			if f.Function == "" || strings.HasPrefix(f.Function, "runtime.") {
				return ""
			}
			return shortFile(f.File) + fmt.Sprintf(":%d", f.Line)
		}
		if !more {
			return ""
		}
	}
}

func shortFile(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		if j := strings.LastIndexByte(path[:i], '/'); j >= 0 {
			return path[j+1:]
		}
	}
	return path
}
