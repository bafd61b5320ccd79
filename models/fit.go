package models

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"os"

	"github.com/tideml/tide/core"
	"github.com/tideml/tide/data"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// FitOption configures [Model.Fit], [Model.Evaluate] and [Model.Predict]; each lists those it
// honours.
type FitOption func(*fitConfig)

type fitConfig struct {
	epochs, initialEpoch int
	batchSize            int
	batchSet             bool
	validation           *data.Dataset
	valSplit             float64
	valFreq, valSteps    int
	classWeight          map[int]float64
	sampleWeight         *tensor.Tensor
	stepsPerEpoch, steps int
	callbacks            []Callback
	verbose              int
	shuffle              bool
	seed                 uint64
}

// Epochs sets the number of epochs (default 1): training ends after epoch n-1 (0-based).
func Epochs(n int) FitOption { return func(c *fitConfig) { c.epochs = n } }

// BatchSize sets the batch size used to batch a dataset of single examples (as [Arrays]
// gives; default 32). Datasets of batches are used as they are.
func BatchSize(n int) FitOption { return func(c *fitConfig) { c.batchSize, c.batchSet = n, true } }

// ValidationData evaluates the model on ds at the end of every epoch; its logs get a "val_"
// prefix.
func ValidationData(ds *data.Dataset) FitOption { return func(c *fitConfig) { c.validation = ds } }

// ValidationSplit keeps the last fraction f of a dataset of single examples (of known length)
// out of training, before any shuffling, and validates on it as [ValidationData] does.
func ValidationSplit(f float64) FitOption { return func(c *fitConfig) { c.valSplit = f } }

// ValidationFreq validates every n epochs (default 1).
func ValidationFreq(n int) FitOption { return func(c *fitConfig) { c.valFreq = n } }

// ValidationSteps limits each validation to n batches.
func ValidationSteps(n int) FitOption { return func(c *fitConfig) { c.valSteps = n } }

// ClassWeight weights each example's loss by the weight of its class (the target's integer
// class, or the argmax of a one-hot target); classes not in w weigh 1. For single-output models.
func ClassWeight(w map[int]float64) FitOption { return func(c *fitConfig) { c.classWeight = w } }

// SampleWeight weights each example's loss: w has one value per example of a dataset of single
// examples (datasets of batches carry their weights as a third tensor of each element, or
// "sample_weight").
func SampleWeight(w *tensor.Tensor) FitOption { return func(c *fitConfig) { c.sampleWeight = w } }

// InitialEpoch starts training at epoch n (to resume a run; epochs counted from 0).
func InitialEpoch(n int) FitOption { return func(c *fitConfig) { c.initialEpoch = n } }

// StepsPerEpoch makes every epoch n batches long; the data are read on from where the previous
// epoch stopped, and restarted when they run out.
func StepsPerEpoch(n int) FitOption { return func(c *fitConfig) { c.stepsPerEpoch = n } }

// Steps limits Evaluate and Predict to n batches.
func Steps(n int) FitOption { return func(c *fitConfig) { c.steps = n } }

// Callbacks adds callbacks, called in order, before the History and the progress bar that Fit
// adds.
func Callbacks(cbs ...Callback) FitOption {
	return func(c *fitConfig) { c.callbacks = append(c.callbacks, cbs...) }
}

// Verbose sets the progress output: 0 silent, 1 a progress bar, 2 one line per epoch. By
// default it is 1 when standard output is a terminal, else 0.
func Verbose(v int) FitOption { return func(c *fitConfig) { c.verbose = v } }

// Shuffle says whether Fit shuffles a dataset of single examples at every epoch (default true;
// datasets of batches are used in their own order).
func Shuffle(on bool) FitOption { return func(c *fitConfig) { c.shuffle = on } }

// Seed sets the seed of Fit's shuffling (default 0): epoch e uses the order drawn from seed and
// e, so a resumed run sees the same data as an uninterrupted one.
func Seed(s uint64) FitOption { return func(c *fitConfig) { c.seed = s } }

func newFitConfig(opts []FitOption) *fitConfig {
	c := &fitConfig{epochs: 1, batchSize: 32, valFreq: 1, verbose: -1, shuffle: true}
	for _, o := range opts {
		o(c)
	}
	if c.verbose < 0 {
		c.verbose = 0
		if isTerminal(os.Stdout) {
			c.verbose = 1
		}
	}
	return c
}

// fitState is what callbacks may read and change during Fit.
type fitState struct {
	epoch, batch int // current, 0-based
	skip         int // batches of the first epoch to skip (resuming)
	initialEpoch int
}

// StopTraining makes Fit stop at the end of the current epoch (Keras's model.stop_training).
func (m *Model) StopTraining() { m.stop = true }

// Step returns the number of training steps done so far (restored with checkpoints).
func (m *Model) Step() int64 {
	if m.train == nil {
		return 0
	}
	return m.train.steps
}

// feed is a prepared dataset: the batches of each epoch.
type feed struct {
	epoch func(e int) *data.Dataset
	steps int // batches per epoch, -1 when unknown
	spec  data.Spec
}

// prepare batches (and shuffles, and splits) a dataset as cfg says.
func (m *Model) prepare(ds *data.Dataset, cfg *fitConfig, training bool) (f feed, val *data.Dataset, err error) {
	if ds == nil {
		return f, nil, errors.New("models: nil dataset")
	}
	if err := ds.Err(); err != nil {
		return f, nil, err
	}
	batched := m.batched(ds) && !(m.inSpecs == nil && cfg.batchSet)
	if batched {
		if cfg.valSplit > 0 || cfg.sampleWeight != nil {
			return f, nil, errors.New("models: ValidationSplit and SampleWeight need a dataset of single examples (use Arrays); this one holds batches")
		}
		n := int(ds.Cardinality())
		if n < 0 {
			n = -1
		}
		return feed{epoch: func(int) *data.Dataset { return ds }, steps: n, spec: ds.Spec()}, nil, nil
	}
	if cfg.batchSize <= 0 {
		return f, nil, fmt.Errorf("models: batch size %d, want > 0", cfg.batchSize)
	}
	if cfg.sampleWeight != nil {
		ds = data.Zip(ds, data.FromTensorSlices(cfg.sampleWeight))
	}
	n := int(ds.Cardinality())
	if cfg.valSplit > 0 && training {
		if n < 0 {
			return f, nil, errors.New("models: ValidationSplit needs a dataset of known length")
		}
		if cfg.valSplit >= 1 {
			return f, nil, fmt.Errorf("models: ValidationSplit %v, want in (0, 1)", cfg.valSplit)
		}
		at := int(math.Floor(float64(n) * (1 - cfg.valSplit)))
		val = ds.Skip(at).Batch(cfg.batchSize)
		ds = ds.Take(at)
		n = at
	}
	bs := cfg.batchSize
	spec := ds.Batch(bs).Spec()
	shuffle := cfg.shuffle && training && n > 0
	f = feed{spec: spec, steps: -1, epoch: func(e int) *data.Dataset {
		d := ds
		if shuffle {
			d = d.Shuffle(n, cfg.seed+uint64(e)*0x9e3779b97f4a7c15, data.Reshuffle(false))
		}
		return d.Batch(bs)
	}}
	if n >= 0 {
		f.steps = (n + bs - 1) / bs
	}
	return f, val, nil
}

// ensureBuilt builds the model from the spec of the data's batches, and resolves the
// compiled losses and metrics.
func (m *Model) ensureBuilt(spec data.Spec, nIn int) error {
	if m.inSpecs == nil {
		e := data.Element{Names: spec.Names}
		for _, ts := range spec.Tensors {
			e.Tensors = append(e.Tensors, tensor.NewSymbolic(ts.DType, ts.Shape, struct{}{}))
		}
		xs, _, _, err := m.split(e, nIn, 0, false)
		if err != nil {
			return err
		}
		if err := m.Build(specsOf(xs)...); err != nil {
			return err
		}
	}
	if m.train != nil && !m.train.resolved && m.train.opt != nil {
		return m.resolveOutputs(len(m.modelOut))
	}
	return nil
}

func (m *Model) numInputs() int {
	if m.inSpecs != nil {
		return len(m.inSpecs)
	}
	return 1
}

// tracker keeps the running, batch-size-weighted means of the losses over an epoch (Keras's
// loss tracker).
type tracker struct {
	sums []float64
	n    float64
}

func (t *tracker) add(outs []*tensor.Tensor, n int) {
	if t.sums == nil {
		t.sums = make([]float64, len(outs))
	}
	for i, o := range outs {
		t.sums[i] += o.Item() * float64(n)
	}
	t.n += float64(n)
}

// metricKeys returns the log keys the model itself produces: "loss", each output's loss for
// several outputs, and the metrics' names (prefixed by the output's name for several).
func (m *Model) metricKeys() []string {
	if m.train == nil {
		return nil
	}
	if m.train.custom != nil {
		return m.train.customKeys
	}
	return append(m.lossKeys(), m.metricNames()...)
}

// lossKeys returns "loss" and, for several outputs, each output's loss key, in the order of the
// step's results.
func (m *Model) lossKeys() []string {
	keys := []string{"loss"}
	if len(m.train.losses) > 1 {
		outs := m.outputNames()
		for i, l := range m.train.losses {
			if l != nil {
				keys = append(keys, outs[i]+"_loss")
			}
		}
	}
	return keys
}

// metricNames returns the log keys of the compiled metrics, output by output, known from what
// Compile was given even before the first step makes the metrics.
func (m *Model) metricNames() []string {
	t := m.train
	n := max(len(t.losses), 1)
	outs := m.outputNames()
	var keys []string
	for i := range n {
		for _, name := range t.metricNamesOf(i) {
			if n > 1 && i < len(outs) {
				name = outs[i] + "_" + name
			}
			keys = append(keys, name)
		}
	}
	return keys
}

// logs returns the current values of the model's log keys.
func (m *Model) logs(tr *tracker, last []*tensor.Tensor) Logs {
	out := Logs{}
	if m.train.custom != nil {
		for i, k := range m.train.customKeys {
			if i < len(last) {
				out[k] = last[i].Item()
			}
		}
		return out
	}
	if tr.n > 0 {
		for i, k := range m.lossKeys() {
			if i < len(tr.sums) {
				out[k] = tr.sums[i] / tr.n
			}
		}
	}
	keys := m.metricNames()
	k := 0
	for _, ms := range m.train.metrics {
		for _, mt := range ms {
			if v, ok := metricValue(mt); ok && k < len(keys) {
				out[keys[k]] = v
			}
			k++
		}
	}
	return out
}

func (m *Model) resetMetrics() {
	for _, ms := range m.train.metrics {
		for _, mt := range ms {
			mt.Reset()
		}
	}
}

// batches returns a pull iterator over the batches of a feed.
type batchIter struct {
	f    feed
	ctx  context.Context
	next func() (data.Element, error, bool)
	stop func()
}

func (b *batchIter) open(ds *data.Dataset) {
	b.close()
	b.next, b.stop = iter.Pull2(ds.All(b.ctx))
}

func (b *batchIter) close() {
	if b.stop != nil {
		b.stop()
		b.next, b.stop = nil, nil
	}
}

// Fit trains the model on train, as keras's model.fit: for each epoch it runs the train step
// (forward, loss, gradients, optimizer update, metrics — compiled into one graph unless the
// model was compiled [Eager]) on every batch, then validates, calling the callbacks throughout.
// train holds batches, or single examples that Fit shuffles and batches (see [Arrays],
// [BatchSize]); each element holds the features, the targets and optionally sample weights.
//
// Options: [Epochs], [BatchSize], [ValidationData], [ValidationSplit], [ValidationFreq],
// [ValidationSteps], [ClassWeight], [SampleWeight], [InitialEpoch], [StepsPerEpoch],
// [Callbacks], [Verbose], [Shuffle], [Seed].
//
// It returns the history of the epochs run. A shape or dtype mistake is returned as an error
// naming the layer, the op and the shapes. When ctx is cancelled, Fit returns promptly (after
// the step under way) with the history so far and ctx's error.
func (m *Model) Fit(ctx context.Context, train *data.Dataset, opts ...FitOption) (h *History, err error) {
	h = &History{History: map[string][]float64{}}
	defer core.Recover(&err)
	if m.err != nil {
		return h, m.err
	}
	if m.train == nil || m.train.opt == nil {
		return h, errors.New("models: Fit: call Compile first")
	}
	cfg := newFitConfig(opts)
	f, val, err := m.prepare(train, cfg, true)
	if err != nil {
		return h, err
	}
	if cfg.validation != nil {
		val = cfg.validation
	}
	if err := m.ensureBuilt(f.spec, m.numInputs()); err != nil {
		return h, err
	}
	steps := f.steps
	if cfg.stepsPerEpoch > 0 {
		steps = cfg.stepsPerEpoch
	}
	cbs := m.callbacks(cfg, h, Params{Epochs: cfg.epochs, Steps: steps, Verbose: cfg.verbose})
	m.stop = false
	m.fit = &fitState{initialEpoch: cfg.initialEpoch}
	defer func() { m.fit = nil }()
	if err := cbs.each(func(c Callback) error { return c.OnTrainBegin(nil) }); err != nil {
		return h, err
	}
	it := &batchIter{f: f, ctx: ctx}
	defer it.close()
	var logs Logs
	for epoch := m.fit.initialEpoch; epoch < cfg.epochs && !m.stop; epoch++ {
		m.fit.epoch = epoch
		if err := cbs.each(func(c Callback) error { return c.OnEpochBegin(epoch, nil) }); err != nil {
			return h, err
		}
		logs, err = m.trainEpoch(ctx, it, epoch, steps, cfg, cbs)
		if err != nil {
			return h, err
		}
		if val != nil && (epoch+1)%max(cfg.valFreq, 1) == 0 {
			vcfg := *cfg
			vcfg.steps = cfg.valSteps
			vlogs, err := m.evaluate(ctx, val, &vcfg, cbs, true)
			if err != nil {
				return h, err
			}
			for k, v := range vlogs {
				logs["val_"+k] = v
			}
		}
		if err := cbs.each(func(c Callback) error { return c.OnEpochEnd(epoch, logs) }); err != nil {
			return h, err
		}
	}
	if err := cbs.each(func(c Callback) error { return c.OnTrainEnd(logs) }); err != nil {
		return h, err
	}
	return h, nil
}

// callbacks assembles the user's callbacks, the history and a progress bar.
func (m *Model) callbacks(cfg *fitConfig, h *History, p Params) callbackList {
	cbs := callbackList(append([]Callback{}, cfg.callbacks...))
	hasBar := false
	for _, c := range cbs {
		if _, ok := c.(*ProgbarLogger); ok {
			hasBar = true
		}
	}
	if h != nil {
		cbs = append(cbs, h)
	}
	if !hasBar && cfg.verbose > 0 {
		cbs = append(cbs, NewProgbarLogger())
	}
	for _, c := range cbs {
		c.SetModel(m, p)
	}
	return cbs
}

// trainEpoch runs the train steps of one epoch and returns its logs.
func (m *Model) trainEpoch(ctx context.Context, it *batchIter, epoch, steps int, cfg *fitConfig, cbs callbackList) (Logs, error) {
	m.resetMetrics()
	tr := &tracker{}
	nx, ny := m.numInputs(), len(m.modelOut)
	if cfg.stepsPerEpoch <= 0 || it.next == nil {
		ds := it.f.epoch(epoch)
		if m.fit.skip > 0 {
			ds = ds.Skip(m.fit.skip)
		}
		it.open(ds)
	}
	first := m.fit.skip
	m.fit.skip = 0
	var last []*tensor.Tensor
	for b := first; cfg.stepsPerEpoch <= 0 || b < cfg.stepsPerEpoch; b++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e, err, ok := it.next()
		if !ok && cfg.stepsPerEpoch > 0 && b > first {
			it.open(it.f.epoch(epoch))
			e, err, ok = it.next()
		}
		if !ok {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		m.fit.batch = b
		if err := cbs.each(func(c Callback) error { return c.OnTrainBatchBegin(b, nil) }); err != nil {
			return nil, err
		}
		xs, ys, sw, err := m.split(e, nx, ny, true)
		if err != nil {
			return nil, err
		}
		if cfg.classWeight != nil {
			sw = classWeights(ys[0], sw, cfg.classWeight)
		}
		last, err = m.runStep(trainKind, StepData{X: xs, Y: ys, SampleWeight: sw})
		if err != nil {
			return nil, err
		}
		tr.add(last, xs[0].Dim(0))
		logs := m.logs(tr, last)
		if err := cbs.each(func(c Callback) error { return c.OnTrainBatchEnd(b, logs) }); err != nil {
			return nil, err
		}
		// The step is done with the batch (its results are new tensors): the input pipeline may
		// reuse its memory (data.Element.Release; a no-op for datasets that do not recycle).
		e.Release()
		if m.stop {
			break
		}
	}
	if cfg.stepsPerEpoch <= 0 {
		it.close()
	}
	return m.logs(tr, last), nil
}

// Evaluate returns the loss and metrics of the model on ds (batches, or single examples that
// it batches with [BatchSize]), as keras's model.evaluate. Options: [BatchSize], [Steps],
// [Callbacks], [Verbose], [SampleWeight]. Errors as [Model.Fit].
func (m *Model) Evaluate(ctx context.Context, ds *data.Dataset, opts ...FitOption) (logs Logs, err error) {
	defer core.Recover(&err)
	if m.err != nil {
		return nil, m.err
	}
	if m.train == nil || m.train.opt == nil {
		return nil, errors.New("models: Evaluate: call Compile first")
	}
	cfg := newFitConfig(opts)
	cbs := m.callbacks(cfg, nil, Params{Steps: -1, Verbose: cfg.verbose})
	return m.evaluate(ctx, ds, cfg, cbs, false)
}

func (m *Model) evaluate(ctx context.Context, ds *data.Dataset, cfg *fitConfig, cbs callbackList, inFit bool) (Logs, error) {
	vcfg := *cfg
	vcfg.shuffle, vcfg.valSplit = false, 0
	if inFit {
		vcfg.sampleWeight = nil // validation data come prepared
	}
	f, _, err := m.prepare(ds, &vcfg, false)
	if err != nil {
		return nil, err
	}
	if err := m.ensureBuilt(f.spec, m.numInputs()); err != nil {
		return nil, err
	}
	steps := f.steps
	if cfg.steps > 0 {
		steps = cfg.steps
	}
	if !inFit {
		for _, c := range cbs {
			c.SetModel(m, Params{Steps: steps, Verbose: cfg.verbose})
		}
	}
	if err := cbs.each(func(c Callback) error { return c.OnTestBegin(nil) }); err != nil {
		return nil, err
	}
	m.resetMetrics()
	tr := &tracker{}
	nx, ny := m.numInputs(), len(m.modelOut)
	b := 0
	for e, err := range f.epoch(0).All(ctx) {
		if err != nil {
			return nil, err
		}
		if cfg.steps > 0 && b >= cfg.steps {
			break
		}
		if err := cbs.each(func(c Callback) error { return c.OnTestBatchBegin(b, nil) }); err != nil {
			return nil, err
		}
		xs, ys, sw, err := m.split(e, nx, ny, true)
		if err != nil {
			return nil, err
		}
		outs, err := m.runStep(testKind, StepData{X: xs, Y: ys, SampleWeight: sw})
		if err != nil {
			return nil, err
		}
		tr.add(outs, xs[0].Dim(0))
		logs := m.testLogs(tr)
		if err := cbs.each(func(c Callback) error { return c.OnTestBatchEnd(b, logs) }); err != nil {
			return nil, err
		}
		e.Release() // as in training
		b++
	}
	logs := m.testLogs(tr)
	if err := cbs.each(func(c Callback) error { return c.OnTestEnd(logs) }); err != nil {
		return nil, err
	}
	return logs, nil
}

// testLogs is logs for the test step, which the default keys always describe.
func (m *Model) testLogs(tr *tracker) Logs {
	custom := m.train.custom
	m.train.custom = nil
	defer func() { m.train.custom = custom }()
	return m.logs(tr, nil)
}

// Predict returns the model's outputs for the features of ds (batches, or single examples that
// it batches with [BatchSize]; targets in the elements are ignored), concatenated along the
// batch dimension, as keras's model.predict. It runs the inference step compiled unless the
// model was compiled [Eager]. Options: [BatchSize], [Steps], [Callbacks], [Verbose].
func (m *Model) Predict(ctx context.Context, ds *data.Dataset, opts ...FitOption) (outs []*tensor.Tensor, err error) {
	defer core.Recover(&err)
	if m.err != nil {
		return nil, m.err
	}
	cfg := newFitConfig(opts)
	cfg.shuffle = false
	f, _, err := m.prepare(ds, cfg, false)
	if err != nil {
		return nil, err
	}
	if err := m.ensureBuilt(f.spec, m.numInputs()); err != nil {
		return nil, err
	}
	steps := f.steps
	if cfg.steps > 0 {
		steps = cfg.steps
	}
	cbs := m.callbacks(cfg, nil, Params{Steps: steps, Verbose: cfg.verbose})
	if err := cbs.each(func(c Callback) error { return c.OnPredictBegin(nil) }); err != nil {
		return nil, err
	}
	var parts [][]*tensor.Tensor
	b := 0
	for e, err := range f.epoch(0).All(ctx) {
		if err != nil {
			return nil, err
		}
		if cfg.steps > 0 && b >= cfg.steps {
			break
		}
		if err := cbs.each(func(c Callback) error { return c.OnPredictBatchBegin(b, nil) }); err != nil {
			return nil, err
		}
		xs, _, _, err := m.split(e, m.numInputs(), 0, false)
		if err != nil {
			return nil, err
		}
		o, err := m.predictStep(xs)
		if err != nil {
			return nil, err
		}
		parts = append(parts, o)
		if err := cbs.each(func(c Callback) error { return c.OnPredictBatchEnd(b, nil) }); err != nil {
			return nil, err
		}
		b++
	}
	if err := cbs.each(func(c Callback) error { return c.OnPredictEnd(nil) }); err != nil {
		return nil, err
	}
	if len(parts) == 0 {
		return nil, errors.New("models: Predict: no data")
	}
	outs = make([]*tensor.Tensor, len(parts[0]))
	for i := range outs {
		col := make([]*tensor.Tensor, len(parts))
		for j, p := range parts {
			col[j] = p[i]
		}
		outs[i] = ops.Concat(0, col...)
	}
	return outs, nil
}

// TrainOnBatch runs one train step on a batch and returns the batch's logs (metrics reset
// first), as keras's model.train_on_batch. sampleWeight may be nil.
func (m *Model) TrainOnBatch(xs, ys []*tensor.Tensor, sampleWeight *tensor.Tensor) (logs Logs, err error) {
	defer core.Recover(&err)
	if err := m.onBatchReady(xs); err != nil {
		return nil, err
	}
	m.resetMetrics()
	outs, err := m.runStep(trainKind, StepData{X: xs, Y: ys, SampleWeight: sampleWeight})
	if err != nil {
		return nil, err
	}
	tr := &tracker{}
	tr.add(outs, xs[0].Dim(0))
	return m.logs(tr, outs), nil
}

// TestOnBatch returns the loss and metrics of the model on one batch (metrics reset first), as
// keras's model.test_on_batch.
func (m *Model) TestOnBatch(xs, ys []*tensor.Tensor, sampleWeight *tensor.Tensor) (logs Logs, err error) {
	defer core.Recover(&err)
	if err := m.onBatchReady(xs); err != nil {
		return nil, err
	}
	m.resetMetrics()
	outs, err := m.runStep(testKind, StepData{X: xs, Y: ys, SampleWeight: sampleWeight})
	if err != nil {
		return nil, err
	}
	tr := &tracker{}
	tr.add(outs, xs[0].Dim(0))
	return m.testLogs(tr), nil
}

// PredictOnBatch returns the model's outputs for one batch of features.
func (m *Model) PredictOnBatch(xs ...*tensor.Tensor) (outs []*tensor.Tensor, err error) {
	defer core.Recover(&err)
	if m.err != nil {
		return nil, m.err
	}
	if m.inSpecs == nil {
		if err := m.Build(specsOf(xs)...); err != nil {
			return nil, err
		}
	}
	return m.predictStep(xs)
}

func (m *Model) onBatchReady(xs []*tensor.Tensor) error {
	if m.err != nil {
		return m.err
	}
	if m.train == nil || m.train.opt == nil {
		return errors.New("models: call Compile first")
	}
	if len(xs) == 0 {
		return errors.New("models: no inputs")
	}
	if m.inSpecs == nil {
		if err := m.Build(specsOf(xs)...); err != nil {
			return err
		}
	}
	if !m.train.resolved {
		return m.resolveOutputs(len(m.modelOut))
	}
	return nil
}
