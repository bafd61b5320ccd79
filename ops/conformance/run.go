package conformance

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// Options select what [Run] checks. The zero value checks every registered kernel of every op
// in every dtype and shape class.
type Options struct {
	// Ops is a regular expression selecting ops by name; "" selects every op.
	Ops string
	// Skip is a regular expression of op names left out; "" leaves none out.
	Skip string
	// Kernels is a regular expression selecting kernels by name ("^cpu/" for the fast set);
	// "" selects every registered kernel, the reference included. The reference kernel runs
	// whatever is selected, as the one every other is compared with; ops with no selected
	// kernel are skipped.
	Kernels string
	// Classes lists the shape classes to check; nil checks all of them.
	Classes []Class
	// DTypes lists the dtypes to check; nil checks every dtype each op declares.
	DTypes []dtype.DType
}

// selection is compiled Options.
type selection struct {
	ops, skip, kernels *regexp.Regexp
	classes            []Class
	dtypes             []dtype.DType
}

func compile(o Options) (*selection, error) {
	s := &selection{classes: o.Classes, dtypes: o.DTypes}
	if s.classes == nil {
		s.classes = Classes
	}
	var err error
	for _, p := range []struct {
		re  **regexp.Regexp
		src string
	}{{&s.ops, o.Ops}, {&s.skip, o.Skip}, {&s.kernels, o.Kernels}} {
		if p.src != "" {
			if *p.re, err = regexp.Compile(p.src); err != nil {
				return nil, fmt.Errorf("conformance: %v", err)
			}
		}
	}
	return s, nil
}

func (s *selection) op(name string) bool {
	return (s.ops == nil || s.ops.MatchString(name)) && (s.skip == nil || !s.skip.MatchString(name))
}

func (s *selection) kernel(name string) bool { return s.kernels == nil || s.kernels.MatchString(name) }

func (s *selection) dtype(dt dtype.DType) bool {
	return s.dtypes == nil || slices.Contains(s.dtypes, dt)
}

// reporter is the part of *testing.T the suite uses, so that its own tests can watch it fail.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
	Run(name string, f func(reporter))
	Parallel()
}

type tReporter struct{ *testing.T }

func (t tReporter) Run(name string, f func(reporter)) {
	t.T.Run(name, func(t *testing.T) { f(tReporter{t}) })
}

// Run checks every selected kernel of every selected op, one subtest per op (run in parallel),
// against its op's declaration and its reference kernel: for each dtype the op declares and each
// shape class, on the inputs of [Cases],
//
//  1. the op's inference accepts the case, is pure, and its specs are those of the outputs of
//     the op's public entry (core.Apply);
//  2. the op rejects the shapes, dtypes and params of [IllegalCases] with a *core.Error;
//  3. no kernel writes its inputs or outside its outputs, panics, or replaces an output;
//  4. every kernel's results match the reference kernel's within [Tolerance], exactly for
//     integers, bool and ops that only move elements, and errors where the reference errs.
//
// It fails the test for an op without a case builder (see [Register]) or a dtype without cases.
// It returns when every check is done.
func Run(t *testing.T, opts Options) {
	t.Helper()
	sel, err := compile(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("conformance", func(t *testing.T) { run(tReporter{t}, sel) })
}

func run(r reporter, sel *selection) {
	for _, op := range core.Ops() {
		if sel.op(op.Name()) && (sel.kernels == nil || hasSelected(op, sel)) {
			r.Run(op.Name(), func(r reporter) {
				r.Parallel()
				checkOp(r, op, sel)
			})
		}
	}
}

// hasSelected reports whether op has a selected kernel for a selected dtype.
func hasSelected(op *core.Op, sel *selection) bool {
	for _, dt := range op.DTypes() {
		if sel.dtype(dt) && len(selectedKernels(op, dt, sel)) > 0 {
			return true
		}
	}
	return false
}

func selectedKernels(op *core.Op, dt dtype.DType, sel *selection) []core.KernelInfo {
	var out []core.KernelInfo
	for _, k := range op.Kernels(dt) {
		if sel.kernel(k.Name) {
			out = append(out, k)
		}
	}
	return out
}

// refKernel returns op's reference kernel for dt.
func refKernel(op *core.Op, dt dtype.DType) (core.KernelInfo, bool) {
	for _, k := range op.Kernels(dt) {
		if k.Name == "ref" && k.Priority == core.PriorityRef {
			return k, true
		}
	}
	return core.KernelInfo{}, false
}

func checkOp(r reporter, op *core.Op, sel *selection) {
	r.Helper()
	if !HasCases(op) {
		r.Errorf("%s has no conformance cases: add a builder to package ops/conformance (or Register one)", op)
		return
	}
	checked := 0
	for _, dt := range op.DTypes() {
		if !sel.dtype(dt) {
			continue
		}
		ks := selectedKernels(op, dt, sel)
		if len(ks) == 0 && !op.IsView() && sel.kernels != nil {
			continue // none of the kernels checked serves this dtype
		}
		refK, hasRef := refKernel(op, dt)
		if !op.IsView() && !hasRef {
			r.Errorf("%s has no reference kernel for %s", op, dt)
			continue
		}
		n := 0
		for _, c := range sel.classes {
			for _, cs := range casesOf(op, dt, c) {
				n++
				checkCase(r, op, cs, refK, ks, sel)
			}
		}
		if n == 0 && len(sel.classes) == len(Classes) {
			r.Errorf("%s has no cases for %s", op, dt)
		}
		checked += n
	}
	for _, c := range IllegalCases(op) {
		checkIllegal(r, op, c)
	}
	r.Logf("%s: %d cases", op, checked)
}

// checkCase runs the reference kernel and every selected kernel on c and the op's public entry.
func checkCase(r reporter, op *core.Op, c Case, refK core.KernelInfo, ks []core.KernelInfo, sel *selection) {
	r.Helper()
	specs, ok := checkInfer(r, op, c)
	if !ok {
		return
	}
	lead := int(hash64(c.Name) % 4)
	var want []*tensor.Tensor
	if !op.IsView() {
		res := execute(op, refK, c, specs, lead)
		if !checkResult(r, op, c, refK, res, sel.kernel(refK.Name)) {
			return
		}
		want = res.out
		for _, k := range ks {
			if k.Name == refK.Name {
				continue
			}
			res := execute(op, k, c, specs, lead+1)
			if checkResult(r, op, c, k, res, true) && !c.WantErr {
				compareOutputs(r, op, c, k.Name, res.out, want)
			}
		}
	}
	if op.IsView() || (len(ks) > 0 && ks[0].Name == op.Kernels(c.DType)[0].Name) {
		checkApply(r, op, c, specs, want)
	}
}

// checkInfer returns the specs op infers for c, checking that inference accepts it, leaves
// its params and its inputs' shapes alone, and gives the same specs twice.
func checkInfer(r reporter, op *core.Op, c Case) ([]core.Spec, bool) {
	r.Helper()
	in := make([]core.Spec, len(c.Inputs))
	for i, t := range c.Inputs {
		in[i] = core.Spec{DType: t.DType(), Shape: t.Shape().Clone()}
	}
	params := fmt.Sprintf("%#v", c.Params)
	specs, err := op.Infer(c.Params, in)
	if now := fmt.Sprintf("%#v", c.Params); now != params {
		r.Errorf("%s %s: inference changed its params from %s to %s", op, c.Name, params, now)
	}
	if err != nil {
		r.Errorf("%s %s: inference rejects a legal case: %v", op, c.Name, err)
		return nil, false
	}
	again, _ := op.Infer(c.Params, in)
	for i, t := range c.Inputs {
		if !in[i].Shape.Equal(t.Shape()) {
			r.Errorf("%s %s: inference changed input %d's shape to %v", op, c.Name, i, in[i].Shape)
		}
	}
	if !slices.EqualFunc(specs, again, specEqual) {
		r.Errorf("%s %s: inference gave %v, then %v", op, c.Name, specs, again)
	}
	return specs, true
}

func specEqual(a, b core.Spec) bool { return a.DType == b.DType && a.Shape.Equal(b.Shape) }

// checkResult reports the broken contracts of one kernel run (when report is set) and whether
// its outputs can be compared: it ran, and erred exactly when the case wants an error.
func checkResult(r reporter, op *core.Op, c Case, k core.KernelInfo, res result, report bool) bool {
	r.Helper()
	if report {
		for _, p := range res.problems {
			r.Errorf("%s kernel %s, %s: %s", op, k.Name, c.Name, p)
		}
	}
	switch {
	case res.panicked:
		if !report {
			r.Errorf("%s reference kernel, %s: %v", op, c.Name, res.err)
		}
		return false
	case c.WantErr && res.err == nil:
		r.Errorf("%s kernel %s, %s: no error for inputs that hold a mistake", op, k.Name, c.Name)
		return false
	case !c.WantErr && res.err != nil:
		r.Errorf("%s kernel %s, %s: %v", op, k.Name, c.Name, res.err)
		return false
	}
	return true
}

// compareOutputs reports where got differs from the reference's want.
func compareOutputs(r reporter, op *core.Op, c Case, kernel string, got, want []*tensor.Tensor) {
	r.Helper()
	for i := range want {
		if m := mismatch(got[i], want[i], c.Terms, c.Exact); m != "" {
			r.Errorf("%s kernel %s, %s: output %d differs from the reference: %s", op, kernel, c.Name, i, m)
		}
	}
}

// checkApply runs the op's public entry on c: it must panic with a *core.Error when the case
// wants an error, and otherwise give outputs with the inferred specs, the reference's values
// (the input's elements for a view) and leave its inputs alone.
func checkApply(r reporter, op *core.Op, c Case, specs []core.Spec, want []*tensor.Tensor) {
	r.Helper()
	before := make([]any, len(c.Inputs))
	for i, t := range c.Inputs {
		before[i] = t.Clone().Raw()
	}
	out, p := apply(op, c)
	for i, t := range c.Inputs {
		if e := firstDiff(t.Raw(), before[i], 0); e >= 0 {
			r.Errorf("%s %s: core.Apply changed element %d of input %d", op, c.Name, e, i)
		}
	}
	if c.WantErr {
		if _, ok := p.(*core.Error); !ok {
			r.Errorf("%s %s: core.Apply gave %v for inputs that hold a mistake, want a panic with a *core.Error", op, c.Name, describePanic(p))
		}
		return
	}
	if p != nil {
		r.Errorf("%s %s: core.Apply panicked: %v", op, c.Name, p)
		return
	}
	if !slices.EqualFunc(specs, specsOf(out), specEqual) {
		r.Errorf("%s %s: inference says %v, core.Apply gave %v", op, c.Name, specs, specsOf(out))
		return
	}
	if op.IsView() {
		want = []*tensor.Tensor{c.Inputs[0].Reshape(specs[0].Shape...)}
	}
	for i := range want {
		if m := mismatch(out[i], want[i], c.Terms, c.Exact); m != "" {
			r.Errorf("%s %s: output %d of core.Apply differs from the reference: %s", op, c.Name, i, m)
		}
	}
}

func specsOf(ts []*tensor.Tensor) []core.Spec {
	out := make([]core.Spec, len(ts))
	for i, t := range ts {
		out[i] = core.SpecOf(t)
	}
	return out
}

// checkIllegal checks that op's inference rejects c and its public entry panics with a
// *core.Error.
func checkIllegal(r reporter, op *core.Op, c Case) {
	r.Helper()
	var inferErr error
	err, panicked := call(func() error { _, inferErr = op.Infer(c.Params, specsOf(c.Inputs)); return nil })
	if panicked {
		r.Errorf("%s %s: inference %v", op, c.Name, err)
		return
	}
	_, p := apply(op, c)
	if _, ok := p.(*core.Error); !ok {
		r.Errorf("%s %s: core.Apply gave %s, want a panic with a *core.Error", op, c.Name, describePanic(p))
		return
	}
	if inferErr == nil && !c.late {
		// Only the kernel noticed: a shape or params mistake the shape rule should catch, so
		// that traced graphs are checked before they run.
		r.Errorf("%s %s: inference accepts what the kernel rejects: %v", op, c.Name, p)
	}
}

// describePanic formats a recovered value for a message.
func describePanic(p any) string {
	switch v := p.(type) {
	case nil:
		return "no panic"
	case error:
		var ce *core.Error
		if errors.As(v, &ce) {
			return fmt.Sprintf("a panic with %v", v)
		}
		return fmt.Sprintf("a panic with %T %v", v, v)
	}
	return fmt.Sprintf("a panic with %T %v", p, p)
}
