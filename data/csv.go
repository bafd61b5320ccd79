package data

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Column describes one column that [CSV] reads, like an entry of record_defaults and
// select_cols in tf.data.experimental.CsvDataset.
type Column struct {
	// Name finds the column in the file's header and names it in the elements.
	Name string
	// Index is the column's 0-based position, used when the file has no header (see
	// [NoHeader]) or when Name is empty.
	Index int
	// DType is the type of the column's values: Float32, Float64, Int64, Int32, Int8,
	// Uint8 or Bool ("true"/"false"/"1"/"0").
	DType dtype.DType
	// Optional makes a missing value (an empty field, a field listed by [NAValues], or
	// a short row) take Default; otherwise a missing value is an error.
	Optional bool
	// Default is the value of a missing field of an Optional column.
	Default float64
}

// CSV returns a dataset of the rows of the given CSV files, one file after the other:
// each row is a named element with one scalar tensor per column of cols, in that order,
// like tf.data.experimental.CsvDataset. Fields follow RFC 4180: quoted fields may hold
// the delimiter, quotes ("" inside quotes) and newlines. Surrounding spaces of numbers
// are ignored.
//
// By default the first line of each file is a header and columns are found by name;
// columns of the file that cols does not list are skipped. Options: [NoHeader],
// [Delimiter], [NAValues].
//
// A field that does not parse, or a missing value in a column that is not Optional, is
// an error naming the file, the line and the column; it replaces that row and the pass
// goes on with the next one ([Dataset.IgnoreErrors] skips such rows). A file that cannot
// be opened, a missing header column or malformed quoting ends that file with an error.
func CSV(paths []string, cols []Column, opts ...Option) *Dataset {
	if len(paths) == 0 || len(cols) == 0 {
		return errorf("csv: %d files and %d columns, want at least one of each", len(paths), len(cols))
	}
	o := newOptions(opts)
	spec := Spec{Tensors: make([]TensorSpec, len(cols)), Names: make([]string, len(cols))}
	for i, c := range cols {
		switch c.DType {
		case dtype.Float32, dtype.Float64, dtype.Int64, dtype.Int32, dtype.Int8, dtype.Uint8, dtype.Bool:
		default:
			return errorf("csv: column %d (%q) has dtype %v, want a number or bool type", i, c.Name, c.DType)
		}
		if c.Name == "" && !o.csvNoHeader && c.Index < 0 {
			return errorf("csv: column %d has no name and a negative index", i)
		}
		spec.Tensors[i] = TensorSpec{DType: c.DType, Shape: shape.Shape{}}
		spec.Names[i] = c.Name
		if c.Name == "" {
			spec.Names[i] = fmt.Sprintf("column%d", c.Index)
		}
	}
	if hasDuplicates(spec.Names) {
		return errorf("csv: column names %q are not distinct", spec.Names)
	}
	paths, cols = slices.Clone(paths), slices.Clone(cols)
	return newDataset(spec, UnknownCardinality, func(ctx context.Context, yield func(Element, error) bool) {
		for _, p := range paths {
			if !csvFile(ctx, p, cols, spec.Names, o, yield) {
				return
			}
		}
	})
}

// NoHeader says that the files read by [CSV] have no header line: every [Column] is
// found by its Index.
func NoHeader() Option { return func(o *options) { o.csvNoHeader = true } }

// Delimiter sets the field separator of [CSV] files (default ',').
func Delimiter(r rune) Option { return func(o *options) { o.csvDelim = r } }

// NAValues lists strings that mean a missing value in [CSV] files, besides the empty
// field (for example "NA", "?").
func NAValues(s ...string) Option {
	return func(o *options) { o.csvNA = append(o.csvNA, s...) }
}

// csvFile yields the rows of one file and reports whether to go on.
func csvFile(ctx context.Context, path string, cols []Column, names []string, o options, yield func(Element, error) bool) bool {
	rc, err := openMaybeGzip(path)
	if err != nil {
		return yield(Element{}, err)
	}
	defer rc.Close()
	r := csv.NewReader(rc)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	if o.csvDelim != 0 {
		r.Comma = o.csvDelim
	}
	fields := make([]int, len(cols)) // the field index of each column
	for i, c := range cols {
		fields[i] = c.Index
	}
	if !o.csvNoHeader {
		header, err := r.Read()
		if err != nil {
			if err == io.EOF {
				return yield(Element{}, fmt.Errorf("data: %s: empty file, want a header", path))
			}
			return yield(Element{}, csvError(path, err))
		}
		for i, c := range cols {
			if c.Name == "" {
				continue
			}
			j := slices.IndexFunc(header, func(h string) bool { return strings.TrimSpace(h) == c.Name })
			if j < 0 {
				return yield(Element{}, fmt.Errorf("data: %s: header has no column %q (it has %q)", path, c.Name, header))
			}
			fields[i] = j
		}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return yield(Element{}, csvError(path, err))
		}
		e, err := csvRow(path, r, rec, cols, fields, names, o)
		if ctxDone(ctx, yield) || !yield(e, err) {
			return false
		}
	}
}

func csvError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("data: %s: line %d, column %d: %w", path, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("data: %s: %w", path, err)
}

// csvRow converts one record into an element.
func csvRow(path string, r *csv.Reader, rec []string, cols []Column, fields []int, names []string, o options) (Element, error) {
	ts := make([]*tensor.Tensor, len(cols))
	for i, c := range cols {
		j := fields[i]
		s := ""
		if j < len(rec) {
			s = strings.TrimSpace(rec[j])
		}
		line := 0
		if j < len(rec) {
			line, _ = r.FieldPos(j)
		} else if len(rec) > 0 {
			line, _ = r.FieldPos(0)
		}
		if s == "" || slices.Contains(o.csvNA, s) {
			if !c.Optional {
				return Element{}, fmt.Errorf("data: %s: line %d, column %d (%q): missing value and no default", path, line, j+1, names[i])
			}
			ts[i] = tensor.New(c.DType, shape.Shape{})
			ts[i].Set(c.Default)
			continue
		}
		t, err := parseScalar(s, c.DType)
		if err != nil {
			return Element{}, fmt.Errorf("data: %s: line %d, column %d (%q): invalid %v %q", path, line, j+1, names[i], c.DType, s)
		}
		ts[i] = t
	}
	return Element{Tensors: ts, Names: names}, nil
}

// parseScalar parses s as a scalar of type dt.
func parseScalar(s string, dt dtype.DType) (*tensor.Tensor, error) {
	switch dt {
	case dtype.Float32:
		v, err := strconv.ParseFloat(s, 32)
		return tensor.Scalar(float32(v)), err
	case dtype.Float64:
		v, err := strconv.ParseFloat(s, 64)
		return tensor.Scalar(v), err
	case dtype.Int64:
		v, err := strconv.ParseInt(s, 10, 64)
		return tensor.Scalar(v), err
	case dtype.Int32:
		v, err := strconv.ParseInt(s, 10, 32)
		return tensor.Scalar(int32(v)), err
	case dtype.Int8:
		v, err := strconv.ParseInt(s, 10, 8)
		return tensor.Scalar(int8(v)), err
	case dtype.Uint8:
		v, err := strconv.ParseUint(s, 10, 8)
		return tensor.Scalar(uint8(v)), err
	case dtype.Bool:
		v, err := strconv.ParseBool(s)
		return tensor.Scalar(v), err
	}
	return nil, fmt.Errorf("unsupported dtype %v", dt)
}
