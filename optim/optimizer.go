package optim

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// Optimizer updates variables from their gradients. The same code runs eagerly and inside a
// function compiled with graph.Compile: there every read of the optimizer's state becomes a
// read of a variable and every write a write-back, so one compiled train step holds the
// forward pass, the gradients and the update.
//
// Apply is not safe for concurrent use on one optimizer; the other methods are.
type Optimizer interface {
	// Name returns the optimizer's name, the prefix of its variables' names.
	Name() string

	// Build creates the state (slot) variables of vars that do not have them yet. Apply builds
	// lazily; call Build first to restore a checkpoint into the slots before the first step.
	Build(vars []*autodiff.Variable)

	// Apply updates vars[i] with the gradient grads[i] (nil: the variable has no gradient and
	// is left alone), then advances the iteration counter; empty lists do nothing. Gradients
	// are converted to their variable's dtype. It panics with a *core.Error, naming the
	// optimizer and the variable, if the lengths differ, a shape or dtype does not fit, a
	// variable appears twice, or every gradient is nil.
	Apply(grads []*tensor.Tensor, vars []*autodiff.Variable)

	// ScaleLoss returns the loss multiplied by the loss scale, or loss itself when there is
	// none. Take gradients of the scaled loss: Apply divides them by the same scale.
	ScaleLoss(loss *tensor.Tensor) *tensor.Tensor

	// Variables returns the optimizer's state in creation order: the iteration counter, the
	// learning rate (unless it follows a schedule), then the slots. They are ordinary
	// non-trainable variables, to be saved in checkpoints beside the model's.
	Variables() []*autodiff.Variable

	// Iterations returns the int64 scalar variable counting the Apply calls (Keras
	// optimizer.iterations).
	Iterations() *autodiff.Variable

	// LearningRate returns the learning rate the next Apply will use.
	LearningRate() float64

	// SetLearningRate sets a constant learning rate; compiled train steps see it at their next
	// call without retracing. Call it between steps, not inside a traced function. It panics
	// with a *core.Error if the learning rate follows a schedule or lr is negative or not
	// finite.
	SetLearningRate(lr float64)

	// Config returns the optimizer's hyperparameters in Keras's serialised form.
	Config() Config
}

// Config is the serialisable description of an optimizer or a schedule, in Keras's form:
// {"class_name": "Adam", "config": {"learning_rate": 0.001, ...}}, with Keras's key names.
// [FromConfig] and [ScheduleFromConfig] rebuild the object.
type Config struct {
	ClassName string         `json:"class_name"`
	Config    map[string]any `json:"config"`
}

// update is one variable's new value, computed but not yet assigned.
type update struct {
	v     *autodiff.Variable
	value *tensor.Tensor
}

// updater is an Optimizer whose step can be computed without being committed, so that
// wrappers ([LossScale]) can decide with ops whether to keep it.
type updater interface {
	Optimizer
	updates(grads []*tensor.Tensor, vars []*autodiff.Variable) []update
}

// slotSpec describes a state variable of each model variable: its name and initial value.
type slotSpec struct {
	name string
	init float64
}

// stepCtx is what an update rule sees for one variable: constants in its dtype.
type stepCtx struct {
	dt      dtype.DType
	lr      *tensor.Tensor   // the learning rate, a scalar of dt
	t       *tensor.Tensor   // the number of this update counting from 1, a scalar of dt
	globals []*tensor.Tensor // the rule's global state after this step, scalars of dt
}

// k returns the constant v as a scalar of the variable's dtype.
func (c *stepCtx) k(v float64) *tensor.Tensor { return tensor.Full(c.dt, v) }

// rule is an optimizer's update rule (Keras update_step), written with ops only: it never
// reads tensor values, so it runs eagerly and traced alike.
type rule interface {
	className() string
	slots() []slotSpec
	// step returns the variable's and its slots' new values from w (already weight-decayed),
	// the gradient g (clipped, in w's dtype) and the slots' current values.
	step(c *stepCtx, w, g *tensor.Tensor, slots []*tensor.Tensor) (*tensor.Tensor, []*tensor.Tensor)
	config(m map[string]any)
}

// globalRule is a rule with float64 scalar state shared by all variables (Nadam's product of
// momentum coefficients), advanced once per update before the variables' steps.
type globalRule interface {
	rule
	globalSlots() []slotSpec
	advance(t *tensor.Tensor, state []*tensor.Tensor) []*tensor.Tensor
}

// base implements Optimizer for every update rule: bookkeeping, clipping, weight decay,
// gradient accumulation and loss scaling live here, the arithmetic in the rule.
type base struct {
	s    *settings
	rule rule
	iter *autodiff.Variable // int64 scalar
	lr   *autodiff.Variable // float64 scalar; nil when a schedule gives the learning rate

	mu      sync.Mutex
	state   []*autodiff.Variable
	slots   map[*autodiff.Variable][]*autodiff.Variable
	accums  map[*autodiff.Variable]*autodiff.Variable
	globals []*autodiff.Variable
}

var _ updater = (*base)(nil)

func newBase(r rule, s *settings) *base {
	o := &base{s: s, rule: r, slots: map[*autodiff.Variable][]*autodiff.Variable{},
		accums: map[*autodiff.Variable]*autodiff.Variable{}}
	o.iter = o.newState("iteration", tensor.Scalar[int64](0))
	if s.schedule == nil {
		o.lr = o.newState("learning_rate", tensor.Scalar(s.lr))
	}
	return o
}

func (o *base) newState(name string, init *tensor.Tensor) *autodiff.Variable {
	v := autodiff.NewVariable(o.s.name+"/"+name, init, autodiff.NotTrainable())
	o.state = append(o.state, v)
	return v
}

func (o *base) Name() string { return o.s.name }

func (o *base) Iterations() *autodiff.Variable { return o.iter }

func (o *base) Variables() []*autodiff.Variable {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]*autodiff.Variable(nil), o.state...)
}

// Build creates, for the variables of vars not seen before, the rule's slots (all variables'
// first slot, then all variables' second, as Keras orders them) and the gradient accumulators.
func (o *base) Build(vars []*autodiff.Variable) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if gr, ok := o.rule.(globalRule); ok && o.globals == nil {
		for _, g := range gr.globalSlots() {
			o.globals = append(o.globals, o.newState(g.name, tensor.Scalar(g.init)))
		}
	}
	var fresh []*autodiff.Variable
	for _, v := range vars {
		if _, ok := o.slots[v]; !ok && v != nil && !contains(fresh, v) {
			fresh = append(fresh, v)
		}
	}
	for _, spec := range o.rule.slots() {
		for _, v := range fresh {
			o.slots[v] = append(o.slots[v], o.newSlot(v, spec))
		}
	}
	for _, v := range fresh {
		if o.slots[v] == nil {
			o.slots[v] = []*autodiff.Variable{}
		}
		if o.s.accumulateSteps > 0 {
			o.accums[v] = o.newSlot(v, slotSpec{name: "gradient_accumulator"})
		}
	}
}

func (o *base) newSlot(v *autodiff.Variable, spec slotSpec) *autodiff.Variable {
	init := tensor.Full(v.DType(), spec.init, v.Shape()...)
	return o.newState(v.Name()+"/"+spec.name, init)
}

func contains(vs []*autodiff.Variable, v *autodiff.Variable) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

func (o *base) LearningRate() float64 {
	if o.s.schedule != nil {
		return o.s.schedule.At(int(o.iter.Value().Item()))
	}
	return o.lr.Value().Item()
}

func (o *base) SetLearningRate(lr float64) {
	op := "optim." + o.rule.className() + ".SetLearningRate"
	if o.lr == nil {
		panic(core.Errorf(op, "optimizer %q: the learning rate follows a schedule and cannot be set", o.s.name))
	}
	if !(lr >= 0) || math.IsInf(lr, 0) {
		panic(core.Errorf(op, "optimizer %q: learning rate must be finite and >= 0, got %v", o.s.name, lr))
	}
	o.lr.Assign(tensor.Scalar(lr))
}

func (o *base) ScaleLoss(loss *tensor.Tensor) *tensor.Tensor {
	if o.s.lossScaleFactor == 0 {
		return loss
	}
	return ops.MulScalar(loss, o.s.lossScaleFactor)
}

// learningRate returns the learning rate for the step that starts at iteration iter, as a
// float64 scalar computed with ops (Keras evaluates schedules at the count before the step).
func (o *base) learningRate(iter *tensor.Tensor) *tensor.Tensor {
	if o.s.schedule != nil {
		return ops.Cast(o.s.schedule.Eval(ops.Cast(iter, dtype.Float64)), dtype.Float64)
	}
	return o.lr.Value()
}

func (o *base) Apply(grads []*tensor.Tensor, vars []*autodiff.Variable) {
	commit(o.updates(grads, vars), anchorOf(grads))
}

// stepState is one Apply in the making: the tensors every variable's update reads, and the
// updates computed so far.
type stepState struct {
	iter, next *tensor.Tensor   // the iteration count before and after this Apply (int64)
	lr         *tensor.Tensor   // the learning rate (float64)
	t          *tensor.Tensor   // the number of this update, from 1 (float64)
	isUpdate   *tensor.Tensor   // with gradient accumulation, whether this Apply updates
	globals    []*tensor.Tensor // the rule's global state after this step
	ups        []update
}

// updates computes the step's new values of the variables and of the optimizer's state,
// reading every variable before anything is assigned — as a compiled graph does, whose
// write-backs come after the whole step.
func (o *base) updates(grads []*tensor.Tensor, vars []*autodiff.Variable) []update {
	gs, vs := checkPairs(o.rule.className(), o.s.name, grads, vars)
	if len(vs) == 0 {
		return nil // nothing to update, as Keras's apply of an empty list: no step is counted
	}
	o.Build(vs)
	slots, accums, globals := o.lookup(vs)
	if f := o.s.lossScaleFactor; f != 0 {
		for i, g := range gs {
			gs[i] = ops.Div(g, tensor.Full(g.DType(), f))
		}
	}
	st := &stepState{iter: o.iter.Value()}
	st.next = ops.Add(st.iter, tensor.Scalar[int64](1))
	st.lr = o.learningRate(st.iter)
	gs = o.accumulate(st, gs, accums)
	gs = o.clip(gs)
	if gr, ok := o.rule.(globalRule); ok {
		old := make([]*tensor.Tensor, len(globals))
		for i, g := range globals {
			old[i] = g.Value()
		}
		st.globals = gr.advance(st.t, old)
		for i, g := range globals {
			st.ups = append(st.ups, gate(st.isUpdate, g, st.globals[i]))
		}
	}
	for i, v := range vs {
		o.stepVariable(st, v, gs[i], slots[i])
	}
	return append(st.ups, update{o.iter, st.next})
}

// lookup returns the slots and accumulators of vars and the global state.
func (o *base) lookup(vs []*autodiff.Variable) ([][]*autodiff.Variable, []*autodiff.Variable, []*autodiff.Variable) {
	o.mu.Lock()
	defer o.mu.Unlock()
	slots := make([][]*autodiff.Variable, len(vs))
	accums := make([]*autodiff.Variable, len(vs))
	for i, v := range vs {
		slots[i], accums[i] = o.slots[v], o.accums[v]
	}
	return slots, accums, o.globals
}

// accumulate sets the update number st.t and, with gradient accumulation, adds the gradients
// to the accumulators (reset on update steps) and returns their mean over the window.
func (o *base) accumulate(st *stepState, gs []*tensor.Tensor, accums []*autodiff.Variable) []*tensor.Tensor {
	n := int64(o.s.accumulateSteps)
	if n == 0 {
		st.t = ops.Cast(st.next, dtype.Float64)
		return gs
	}
	st.isUpdate = ops.Equal(ops.Mod(st.next, tensor.Scalar(n)), tensor.Scalar[int64](0))
	st.t = ops.Cast(ops.Add(ops.FloorDiv(st.iter, tensor.Scalar(n)), tensor.Scalar[int64](1)), dtype.Float64)
	out := make([]*tensor.Tensor, len(gs))
	for i, g := range gs {
		sum := ops.Add(accums[i].Value(), g)
		st.ups = append(st.ups, update{accums[i], ops.Where(st.isUpdate, ops.ZerosLike(sum), sum)})
		out[i] = ops.Div(sum, tensor.Full(g.DType(), float64(n)))
	}
	return out
}

// stepVariable runs weight decay and the rule for one variable.
func (o *base) stepVariable(st *stepState, v *autodiff.Variable, g *tensor.Tensor, slots []*autodiff.Variable) {
	dt := v.DType()
	c := &stepCtx{dt: dt, lr: ops.Cast(st.lr, dt), t: ops.Cast(st.t, dt)}
	for _, gv := range st.globals {
		c.globals = append(c.globals, ops.Cast(gv, dt))
	}
	// Detached: the update must not be recorded for gradients.
	w := v.Value().Detach()
	if o.s.weightDecay != 0 && o.decays(v) {
		w = ops.Sub(w, ops.Mul(ops.MulScalar(w, o.s.weightDecay), c.lr))
	}
	cur := make([]*tensor.Tensor, len(slots))
	for j, s := range slots {
		cur[j] = s.Value()
	}
	nw, ns := o.rule.step(c, w, g, cur)
	st.ups = append(st.ups, gate(st.isUpdate, v, nw))
	for j, s := range slots {
		st.ups = append(st.ups, gate(st.isUpdate, s, ns[j]))
	}
}

// gate keeps v's current value unless isUpdate (nil: always update) holds.
func gate(isUpdate *tensor.Tensor, v *autodiff.Variable, value *tensor.Tensor) update {
	if isUpdate == nil {
		return update{v, value}
	}
	return update{v, ops.Where(isUpdate, value, v.Value().Detach())}
}

func (o *base) decays(v *autodiff.Variable) bool {
	for _, s := range o.s.excludeWD {
		if strings.Contains(v.Name(), s) {
			return false
		}
	}
	return true
}

func (o *base) clip(gs []*tensor.Tensor) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(gs))
	switch {
	case o.s.clipNorm > 0:
		for i, g := range gs {
			out[i] = ClipByNorm(g, o.s.clipNorm)
		}
	case o.s.clipValue > 0:
		for i, g := range gs {
			out[i] = ops.ClipScalar(g, -o.s.clipValue, o.s.clipValue)
		}
	case o.s.globalClipNorm > 0:
		out, _ = ClipByGlobalNorm(gs, o.s.globalClipNorm)
	default:
		copy(out, gs)
	}
	return out
}

func (o *base) Config() Config {
	m := map[string]any{
		"name":                        o.s.name,
		"weight_decay":                optional(o.s.set["weight_decay"] || o.s.weightDecay != 0, o.s.weightDecay),
		"clipnorm":                    optional(o.s.clipNorm > 0, o.s.clipNorm),
		"global_clipnorm":             optional(o.s.globalClipNorm > 0, o.s.globalClipNorm),
		"clipvalue":                   optional(o.s.clipValue > 0, o.s.clipValue),
		"use_ema":                     false,
		"ema_momentum":                0.99,
		"ema_overwrite_frequency":     nil,
		"loss_scale_factor":           optional(o.s.lossScaleFactor > 0, o.s.lossScaleFactor),
		"gradient_accumulation_steps": optional(o.s.accumulateSteps > 0, o.s.accumulateSteps),
	}
	if o.s.schedule != nil {
		m["learning_rate"] = o.s.schedule.Config()
	} else {
		m["learning_rate"] = o.LearningRate()
	}
	o.rule.config(m)
	return Config{ClassName: o.rule.className(), Config: m}
}

// optional returns v when set, else nil (Keras's None).
func optional[T any](set bool, v T) any {
	if !set {
		return nil
	}
	return v
}

// checkPairs validates Apply's arguments and returns the pairs that have a gradient, the
// gradients detached and converted to their variable's dtype.
func checkPairs(class, name string, grads []*tensor.Tensor, vars []*autodiff.Variable) ([]*tensor.Tensor, []*autodiff.Variable) {
	op := "optim." + class + ".Apply"
	if len(grads) != len(vars) {
		panic(core.Errorf(op, "optimizer %q: got %d gradients for %d variables", name, len(grads), len(vars)))
	}
	var gs []*tensor.Tensor
	var vs []*autodiff.Variable
	seen := map[*autodiff.Variable]bool{}
	for i, v := range vars {
		if v == nil {
			panic(core.Errorf(op, "optimizer %q: variable %d is nil", name, i))
		}
		if seen[v] {
			panic(core.Errorf(op, "optimizer %q: variable %q appears twice", name, v.Name()))
		}
		seen[v] = true
		if !v.DType().IsFloat() {
			panic(core.Errorf(op, "optimizer %q: variable %q is %s; only floating-point variables can be optimized", name, v.Name(), v.DType()))
		}
		g := grads[i]
		if g == nil {
			continue
		}
		if !g.DType().IsFloat() {
			panic(core.Errorf(op, "optimizer %q: gradient of variable %q is %s, want a floating-point type", name, v.Name(), g.DType()))
		}
		if !fits(g.Shape(), v.Shape()) {
			panic(core.Errorf(op, "optimizer %q: gradient of variable %q has shape %v, variable has %v", name, v.Name(), g.Shape(), v.Shape()))
		}
		g = ops.Cast(g.Detach(), v.DType())
		if !g.Shape().Equal(v.Shape()) {
			// A traced gradient with an unknown dimension: give it the variable's static shape.
			g = ops.ReshapeLike(g, v.Value().Detach())
		}
		gs = append(gs, g)
		vs = append(vs, v)
	}
	if len(vs) == 0 && len(vars) > 0 {
		panic(core.Errorf(op, "optimizer %q: no gradient provided for any variable", name))
	}
	return gs, vs
}

// fits reports whether a gradient of shape g can update a variable of shape v: the same rank
// and dimensions, where a traced gradient may leave dimensions unknown.
func fits(g, v shape.Shape) bool {
	if len(g) != len(v) {
		return false
	}
	for i := range g {
		if g[i] != v[i] && g[i] != shape.Unknown {
			return false
		}
	}
	return true
}

// anchorOf returns a symbolic gradient (the step is being traced) or nil (eager).
func anchorOf(grads []*tensor.Tensor) *tensor.Tensor {
	for _, g := range grads {
		if g != nil && g.IsSymbolic() {
			return g
		}
	}
	return nil
}

// commit assigns the updates. All values were computed before the first assignment, so the
// order does not matter.
func commit(ups []update, _ *tensor.Tensor) {
	for _, u := range ups {
		u.v.Assign(ops.Cast(u.value, u.v.DType()))
	}
}

// Minimize takes the gradients of loss (scaled by [Optimizer.ScaleLoss]) with respect to vars
// and applies them with opt. It panics with a *core.Error as [autodiff.Grad] and
// [Optimizer.Apply] do.
func Minimize(opt Optimizer, loss *tensor.Tensor, vars ...*autodiff.Variable) {
	grads := autodiff.GradVariables(opt.ScaleLoss(loss), vars...)
	opt.Apply(grads, vars)
}

// String describes the optimizer as its class and name, e.g. "Adam(adam)".
func (o *base) String() string { return fmt.Sprintf("%s(%s)", o.rule.className(), o.s.name) }
