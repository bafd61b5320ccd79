package models

import (
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tideml/tide/tensor"
)

// CallbackOption configures the standard callbacks; each constructor lists those it takes.
type CallbackOption func(*cbConfig)

type cbConfig struct {
	monitor          string
	mode             string
	minDelta         float64
	minDeltaSet      bool
	patience         int
	verbose          int
	baseline         *float64
	restoreBest      bool
	startFromEpoch   int
	saveBestOnly     bool
	saveWeightsOnly  bool
	saveFreq         int
	initialThreshold *float64
	factor           float64
	cooldown         int
	minLR            float64
	separator        rune
	appendMode       bool
	deleteOnEnd      bool
	keep             int
	out              io.Writer
}

func newCBConfig(monitor string, opts []CallbackOption) *cbConfig {
	c := &cbConfig{monitor: monitor, mode: "auto", separator: ',', factor: 0.1, deleteOnEnd: true, out: os.Stdout}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Monitor sets the log key watched (default "val_loss").
func Monitor(key string) CallbackOption { return func(c *cbConfig) { c.monitor = key } }

// Mode sets whether the monitored value should go down ("min"), up ("max"), or — "auto", the
// default — whichever its name says (losses down, accuracies up).
func Mode(mode string) CallbackOption { return func(c *cbConfig) { c.mode = mode } }

// MinDelta sets the smallest change that counts as an improvement.
func MinDelta(d float64) CallbackOption {
	return func(c *cbConfig) { c.minDelta, c.minDeltaSet = d, true }
}

// Patience sets how many epochs without improvement are tolerated.
func Patience(n int) CallbackOption { return func(c *cbConfig) { c.patience = n } }

// CallbackVerbose makes a callback print its messages (1) or not (0, the default).
func CallbackVerbose(v int) CallbackOption { return func(c *cbConfig) { c.verbose = v } }

// MessagesTo sets where a callback's messages go (default os.Stdout).
func MessagesTo(w io.Writer) CallbackOption { return func(c *cbConfig) { c.out = w } }

// Baseline makes EarlyStopping stop unless the monitored value beats v.
func Baseline(v float64) CallbackOption { return func(c *cbConfig) { c.baseline = &v } }

// RestoreBestWeights makes EarlyStopping put back the weights of the best epoch at the end.
func RestoreBestWeights() CallbackOption { return func(c *cbConfig) { c.restoreBest = true } }

// StartFromEpoch makes EarlyStopping ignore the epochs before n (a warm-up).
func StartFromEpoch(n int) CallbackOption { return func(c *cbConfig) { c.startFromEpoch = n } }

// SaveBestOnly makes ModelCheckpoint save only when the monitored value improves.
func SaveBestOnly() CallbackOption { return func(c *cbConfig) { c.saveBestOnly = true } }

// SaveWeightsOnly makes ModelCheckpoint save the weights alone (no optimizer state, no index).
func SaveWeightsOnly() CallbackOption { return func(c *cbConfig) { c.saveWeightsOnly = true } }

// SaveFreq makes ModelCheckpoint and BackupAndRestore save every n train batches instead of at
// every epoch's end.
func SaveFreq(n int) CallbackOption { return func(c *cbConfig) { c.saveFreq = n } }

// InitialValueThreshold sets ModelCheckpoint's best value before the first epoch.
func InitialValueThreshold(v float64) CallbackOption {
	return func(c *cbConfig) { c.initialThreshold = &v }
}

// Factor sets ReduceLROnPlateau's factor (default 0.1; it must be below 1).
func Factor(f float64) CallbackOption { return func(c *cbConfig) { c.factor = f } }

// Cooldown sets the epochs ReduceLROnPlateau waits after a reduction.
func Cooldown(n int) CallbackOption { return func(c *cbConfig) { c.cooldown = n } }

// MinLR sets the learning rate below which ReduceLROnPlateau does not go.
func MinLR(lr float64) CallbackOption { return func(c *cbConfig) { c.minLR = lr } }

// Separator sets CSVLogger's field separator (default ',').
func Separator(r rune) CallbackOption { return func(c *cbConfig) { c.separator = r } }

// AppendCSV makes CSVLogger append to an existing file (writing the header only if it is
// empty).
func AppendCSV() CallbackOption { return func(c *cbConfig) { c.appendMode = true } }

// KeepBackup makes BackupAndRestore keep its directory after training completes.
func KeepBackup() CallbackOption { return func(c *cbConfig) { c.deleteOnEnd = false } }

// KeepLast makes BackupAndRestore (and ModelCheckpoint without format fields) keep the n newest
// checkpoints (default 1).
func KeepLast(n int) CallbackOption { return func(c *cbConfig) { c.keep = n } }

func (c *cbConfig) printf(format string, args ...any) {
	if c.verbose > 0 {
		fmt.Fprintf(c.out, format+"\n", args...)
	}
}

// ---------------------------------------------------------------------------------------------

// EarlyStoppingCallback stops training when a monitored value stops improving.
type EarlyStoppingCallback struct {
	BaseCallback
	c           *cbConfig
	mon         monitor
	wait        int
	stopped     int
	bestEpoch   int
	bestWeights []snapshot
	// StoppedEpoch is the 0-based epoch training stopped at, or -1.
	StoppedEpoch int
}

// EarlyStopping returns Keras's EarlyStopping: at each epoch's end (from StartFromEpoch on) it
// compares the monitored value with the best so far; after Patience epochs without an
// improvement of at least MinDelta (and not before the second epoch) it stops training.
// Options: Monitor (default "val_loss"), Mode, MinDelta, Patience, Baseline,
// RestoreBestWeights, StartFromEpoch, CallbackVerbose, MessagesTo.
func EarlyStopping(opts ...CallbackOption) *EarlyStoppingCallback {
	c := newCBConfig("val_loss", opts)
	return &EarlyStoppingCallback{c: c, mon: monitor{key: c.monitor, mode: c.mode, minDelta: c.minDelta}, StoppedEpoch: -1}
}

func (e *EarlyStoppingCallback) OnTrainBegin(Logs) error {
	e.wait, e.stopped, e.StoppedEpoch, e.bestWeights = 0, 0, -1, nil
	e.mon.hasBest = false
	if e.c.baseline != nil {
		e.mon.best, e.mon.hasBest = *e.c.baseline, false
	}
	return e.mon.resolve(e.Model)
}

func (e *EarlyStoppingCallback) OnEpochEnd(epoch int, logs Logs) error {
	v, ok := logs[e.mon.key]
	if !ok {
		warnf("EarlyStopping: metric %q is not in the logs (%s); skipping", e.mon.key, strings.Join(slices.Sorted(maps.Keys(logs)), ", "))
		return nil
	}
	if epoch < e.c.startFromEpoch {
		return nil
	}
	if e.c.restoreBest && e.bestWeights == nil {
		e.bestWeights = takeSnapshot(e.Model)
	}
	e.wait++
	if e.mon.improved(v) {
		e.mon.best, e.mon.hasBest = v, true
		e.bestEpoch = epoch
		if e.c.restoreBest {
			e.bestWeights = takeSnapshot(e.Model)
		}
		if e.c.baseline == nil || e.beats(v, *e.c.baseline) {
			e.wait = 0
		}
		return nil
	}
	if e.wait >= e.c.patience && epoch > 0 {
		e.StoppedEpoch = epoch
		e.Model.StopTraining()
	}
	return nil
}

func (e *EarlyStoppingCallback) beats(v, ref float64) bool {
	if e.mon.less {
		return v+e.mon.minDelta < ref
	}
	return v-e.mon.minDelta > ref
}

func (e *EarlyStoppingCallback) OnTrainEnd(Logs) error {
	if e.StoppedEpoch >= 0 {
		e.c.printf("Epoch %d: early stopping", e.StoppedEpoch+1)
	}
	if e.c.restoreBest && e.bestWeights != nil {
		e.c.printf("Restoring model weights from the end of the best epoch: %d.", e.bestEpoch+1)
		restoreSnapshot(e.bestWeights)
	}
	return nil
}

// snapshot is a copy of a variable's value.
type snapshot struct {
	v interface {
		Assign(*tensor.Tensor)
	}
	t *tensor.Tensor
}

func takeSnapshot(m *Model) []snapshot {
	var out []snapshot
	for _, v := range m.Weights() {
		out = append(out, snapshot{v, v.Value().Clone()})
	}
	return out
}

func restoreSnapshot(s []snapshot) {
	for _, x := range s {
		x.v.Assign(x.t)
	}
}

// ---------------------------------------------------------------------------------------------

// ModelCheckpointCallback saves the model during training.
type ModelCheckpointCallback struct {
	BaseCallback
	c        *cbConfig
	path     string
	mon      monitor
	batches  int
	lastLogs Logs
}

// ModelCheckpoint returns Keras's ModelCheckpoint: at every epoch's end (or every SaveFreq
// batches) it saves a checkpoint ([Model.SaveCheckpoint]: weights and optimizer state as
// safetensors, plus a JSON index) to filepath, or the weights alone with SaveWeightsOnly
// ([Model.SaveWeights]). filepath may hold Python format fields filled with the 1-based
// epoch, the 1-based batch and any log value: "ckpt-{epoch:02d}-{val_loss:.2f}.safetensors".
// With SaveBestOnly it saves only when the monitored value improves.
// Options: Monitor (default "val_loss"), Mode, SaveBestOnly, SaveWeightsOnly, SaveFreq,
// InitialValueThreshold, CallbackVerbose, MessagesTo.
func ModelCheckpoint(filepath string, opts ...CallbackOption) *ModelCheckpointCallback {
	c := newCBConfig("val_loss", opts)
	mc := &ModelCheckpointCallback{c: c, path: filepath, mon: monitor{key: c.monitor, mode: c.mode}}
	if c.initialThreshold != nil {
		mc.mon.best, mc.mon.hasBest = *c.initialThreshold, true
	}
	return mc
}

func (mc *ModelCheckpointCallback) OnTrainBegin(Logs) error {
	if mc.c.saveBestOnly {
		return mc.mon.resolve(mc.Model)
	}
	return nil
}

func (mc *ModelCheckpointCallback) OnTrainBatchEnd(batch int, logs Logs) error {
	if mc.c.saveFreq <= 0 {
		return nil
	}
	mc.batches++
	if mc.batches%mc.c.saveFreq == 0 {
		return mc.save(mc.Model.fit.epoch, batch+1, logs)
	}
	return nil
}

func (mc *ModelCheckpointCallback) OnEpochEnd(epoch int, logs Logs) error {
	if mc.c.saveFreq > 0 {
		return nil
	}
	return mc.save(epoch, 0, logs)
}

func (mc *ModelCheckpointCallback) save(epoch, batch int, logs Logs) error {
	path, err := formatPath(mc.path, epoch+1, batch, logs)
	if err != nil {
		return err
	}
	if mc.c.saveBestOnly {
		v, ok := logs[mc.mon.key]
		if !ok {
			warnf("ModelCheckpoint: can save best model only with %q available, skipping", mc.mon.key)
			return nil
		}
		if !mc.mon.improved(v) {
			mc.c.printf("\nEpoch %d: %s did not improve from %.5f", epoch+1, mc.mon.key, mc.mon.best)
			return nil
		}
		prev := "None"
		if mc.mon.hasBest {
			prev = fmt.Sprintf("%.5f", mc.mon.best)
		}
		mc.c.printf("\nEpoch %d: %s improved from %s to %.5f, saving model to %s", epoch+1, mc.mon.key, prev, v, path)
		mc.mon.best, mc.mon.hasBest = v, true
	} else {
		mc.c.printf("\nEpoch %d: saving model to %s", epoch+1, path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if mc.c.saveWeightsOnly {
		return mc.Model.SaveWeights(path)
	}
	return mc.Model.SaveCheckpoint(path, epoch+1, 0)
}

var fieldRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}`)

// formatPath fills Python format fields ({epoch:02d}, {val_loss:.2f}, {batch}) in a path.
func formatPath(path string, epoch, batch int, logs Logs) (string, error) {
	var ferr error
	out := fieldRE.ReplaceAllStringFunc(path, func(s string) string {
		sub := fieldRE.FindStringSubmatch(s)
		name, spec := sub[1], sub[2]
		var v any
		switch name {
		case "epoch":
			v = epoch
		case "batch":
			v = batch
		default:
			x, ok := logs[name]
			if !ok {
				ferr = fmt.Errorf("models: ModelCheckpoint: path %q names %q, which is not in the logs", path, name)
				return s
			}
			v = x
		}
		if spec == "" {
			if f, ok := v.(float64); ok {
				return strconv.FormatFloat(f, 'g', -1, 64)
			}
			return fmt.Sprint(v)
		}
		verb := spec[len(spec)-1]
		if i, ok := v.(int); ok && strings.ContainsRune("eEfFgG", rune(verb)) {
			v = float64(i)
		}
		if f, ok := v.(float64); ok && verb == 'd' {
			v = int(f)
		}
		return fmt.Sprintf("%"+spec, v)
	})
	return out, ferr
}

// ---------------------------------------------------------------------------------------------

// ReduceLROnPlateauCallback lowers the learning rate when a monitored value stops improving.
type ReduceLROnPlateauCallback struct {
	BaseCallback
	c        *cbConfig
	mon      monitor
	wait     int
	cooldown int
}

// ReduceLROnPlateau returns Keras's ReduceLROnPlateau: at each epoch's end it adds
// "learning_rate" to the logs and, after Patience epochs without an improvement of MinDelta
// (default 1e-4), multiplies the optimizer's learning rate by Factor (default 0.1, must be < 1),
// not below MinLR, then waits Cooldown epochs. Options: Monitor (default "val_loss"), Mode,
// MinDelta, Patience (default 10), Factor, Cooldown, MinLR, CallbackVerbose, MessagesTo.
func ReduceLROnPlateau(opts ...CallbackOption) *ReduceLROnPlateauCallback {
	c := newCBConfig("val_loss", append([]CallbackOption{Patience(10)}, opts...))
	if !c.minDeltaSet {
		c.minDelta = 1e-4
	}
	return &ReduceLROnPlateauCallback{c: c, mon: monitor{key: c.monitor, mode: c.mode, minDelta: c.minDelta}}
}

func (r *ReduceLROnPlateauCallback) OnTrainBegin(Logs) error {
	if r.c.factor >= 1 {
		return fmt.Errorf("models: ReduceLROnPlateau: factor %v, want < 1", r.c.factor)
	}
	r.wait, r.cooldown, r.mon.hasBest = 0, 0, false
	return r.mon.resolve(r.Model)
}

func (r *ReduceLROnPlateauCallback) OnEpochEnd(epoch int, logs Logs) error {
	opt := r.Model.Optimizer()
	logs["learning_rate"] = opt.LearningRate()
	v, ok := logs[r.mon.key]
	if !ok {
		warnf("ReduceLROnPlateau: metric %q is not in the logs; skipping", r.mon.key)
		return nil
	}
	if r.cooldown > 0 {
		r.cooldown--
		r.wait = 0
	}
	if r.mon.improved(v) {
		r.mon.best, r.mon.hasBest = v, true
		r.wait = 0
		return nil
	}
	if r.cooldown > 0 {
		return nil
	}
	r.wait++
	if r.wait >= r.c.patience {
		old := opt.LearningRate()
		if old > r.c.minLR {
			lr := max(old*r.c.factor, r.c.minLR)
			opt.SetLearningRate(lr)
			r.c.printf("\nEpoch %d: ReduceLROnPlateau reducing learning rate to %s.", epoch+1, pyFloat(lr))
			r.cooldown = r.c.cooldown
			r.wait = 0
		}
	}
	return nil
}

// pyFloat formats a float as Python's str does (shortest repr).
func pyFloat(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eIN") {
		s += ".0"
	}
	if i := strings.Index(s, "e"); i >= 0 {
		mant, exp := s[:i], s[i+1:]
		sign := exp[0]
		digits := strings.TrimLeft(exp[1:], "0")
		if len(digits) < 2 {
			digits = strings.Repeat("0", 2-len(digits)) + digits
		}
		s = mant + "e" + string(sign) + digits
	}
	return s
}

// ---------------------------------------------------------------------------------------------

// LearningRateSchedulerCallback sets the learning rate at the start of every epoch.
type LearningRateSchedulerCallback struct {
	BaseCallback
	c        *cbConfig
	schedule func(epoch int, lr float64) float64
}

// LearningRateScheduler returns Keras's LearningRateScheduler: at the start of each epoch it
// sets the optimizer's learning rate to schedule(epoch, current) (epoch 0-based), and adds
// "learning_rate" to the epoch's logs. Options: CallbackVerbose, MessagesTo.
func LearningRateScheduler(schedule func(epoch int, lr float64) float64, opts ...CallbackOption) *LearningRateSchedulerCallback {
	return &LearningRateSchedulerCallback{c: newCBConfig("", opts), schedule: schedule}
}

func (l *LearningRateSchedulerCallback) OnEpochBegin(epoch int, _ Logs) error {
	opt := l.Model.Optimizer()
	lr := l.schedule(epoch, opt.LearningRate())
	if math.IsNaN(lr) || math.IsInf(lr, 0) || lr < 0 {
		return fmt.Errorf("models: LearningRateScheduler: the schedule gave %v for epoch %d", lr, epoch)
	}
	opt.SetLearningRate(lr)
	l.c.printf("\nEpoch %d: LearningRateScheduler setting learning rate to %s.", epoch+1, pyFloat(lr))
	return nil
}

func (l *LearningRateSchedulerCallback) OnEpochEnd(_ int, logs Logs) error {
	logs["learning_rate"] = l.Model.Optimizer().LearningRate()
	return nil
}

// ---------------------------------------------------------------------------------------------

// CSVLoggerCallback writes each epoch's logs to a CSV file.
type CSVLoggerCallback struct {
	BaseCallback
	c        *cbConfig
	filename string
	f        *os.File
	w        *csv.Writer
	keys     []string
}

// CSVLogger returns Keras's CSVLogger: a header "epoch" followed by the first epoch's log keys
// sorted (and val_ columns for every key when there is no validation, left "NA"), then one row
// per epoch (0-based), flushed at once. Options: Separator, AppendCSV.
func CSVLogger(filename string, opts ...CallbackOption) *CSVLoggerCallback {
	return &CSVLoggerCallback{c: newCBConfig("", opts), filename: filename}
}

func (l *CSVLoggerCallback) OnTrainBegin(Logs) error {
	flag := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if l.c.appendMode {
		flag = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(l.filename, flag, 0o644)
	if err != nil {
		return err
	}
	l.f, l.w, l.keys = f, csv.NewWriter(f), nil
	l.w.Comma = l.c.separator
	if l.c.appendMode {
		if st, err := f.Stat(); err == nil && st.Size() > 0 {
			l.keys = []string{} // header exists; keys set at the first epoch without writing it
		}
	}
	return nil
}

func (l *CSVLoggerCallback) OnEpochEnd(epoch int, logs Logs) error {
	header := l.keys == nil
	if l.keys == nil || len(l.keys) == 0 {
		l.keys = slices.Sorted(maps.Keys(logs))
		val := slices.ContainsFunc(l.keys, func(k string) bool { return strings.HasPrefix(k, "val_") })
		if !val {
			for _, k := range slices.Clone(l.keys) {
				l.keys = append(l.keys, "val_"+k)
			}
		}
	}
	if header {
		if err := l.w.Write(append([]string{"epoch"}, l.keys...)); err != nil {
			return err
		}
	}
	row := []string{strconv.Itoa(epoch)}
	for _, k := range l.keys {
		if v, ok := logs[k]; ok {
			row = append(row, pyFloat(v))
		} else {
			row = append(row, "NA")
		}
	}
	if err := l.w.Write(row); err != nil {
		return err
	}
	l.w.Flush()
	return l.w.Error()
}

func (l *CSVLoggerCallback) OnTrainEnd(Logs) error {
	if l.f == nil {
		return nil
	}
	l.w.Flush()
	err := l.f.Close()
	l.f = nil
	return err
}

// ---------------------------------------------------------------------------------------------

// TerminateOnNaNCallback stops training when the loss becomes NaN or infinite.
type TerminateOnNaNCallback struct {
	BaseCallback
	c *cbConfig
}

// TerminateOnNaN returns Keras's TerminateOnNaN: after a batch whose loss is NaN or infinite it
// prints "Batch N: Invalid loss, terminating training" and stops training. Option: MessagesTo.
func TerminateOnNaN(opts ...CallbackOption) *TerminateOnNaNCallback {
	c := newCBConfig("", append([]CallbackOption{CallbackVerbose(1)}, opts...))
	return &TerminateOnNaNCallback{c: c}
}

func (t *TerminateOnNaNCallback) OnTrainBatchEnd(batch int, logs Logs) error {
	if v, ok := logs["loss"]; ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
		t.c.printf("Batch %d: Invalid loss, terminating training", batch)
		t.Model.StopTraining()
	}
	return nil
}

// ---------------------------------------------------------------------------------------------

// BackupAndRestoreCallback makes training resumable after an interruption.
type BackupAndRestoreCallback struct {
	BaseCallback
	c       *cbConfig
	mgr     *CheckpointManager
	dir     string
	batches int
	// Restored is the index of the checkpoint training resumed from, or nil.
	Restored *CheckpointIndex
}

// BackupAndRestore returns Keras's BackupAndRestore: it writes a checkpoint (weights, optimizer
// state, train step, and where in training it was) to dir at every epoch's end, or every
// SaveFreq batches, keeping the last KeepLast (default 1); when Fit starts and dir holds one, it
// restores it and resumes at the epoch and batch recorded, so that an interrupted run continues
// as if it had not stopped (bitwise, for data whose order depends only on the epoch, as Fit's
// own shuffling does). The directory is deleted when training completes unless KeepBackup is
// given. Options: SaveFreq, KeepLast, KeepBackup.
func NewBackupAndRestore(dir string, opts ...CallbackOption) *BackupAndRestoreCallback {
	c := newCBConfig("", append([]CallbackOption{KeepLast(1)}, opts...))
	return &BackupAndRestoreCallback{c: c, dir: dir, mgr: NewCheckpointManager(dir, c.keep)}
}

func (b *BackupAndRestoreCallback) OnTrainBegin(Logs) error {
	b.batches = 0
	idx, err := b.mgr.Restore(b.Model)
	if err != nil {
		return fmt.Errorf("models: BackupAndRestore: %w", err)
	}
	b.Restored = idx
	if idx != nil {
		b.Model.fit.initialEpoch = idx.Epoch
		b.Model.fit.skip = idx.Batch
	}
	return nil
}

func (b *BackupAndRestoreCallback) OnTrainBatchEnd(batch int, _ Logs) error {
	if b.c.saveFreq <= 0 {
		return nil
	}
	b.batches++
	if b.batches%b.c.saveFreq == 0 {
		_, err := b.mgr.Save(b.Model, b.Model.fit.epoch, batch+1)
		return err
	}
	return nil
}

func (b *BackupAndRestoreCallback) OnEpochEnd(epoch int, _ Logs) error {
	_, err := b.mgr.Save(b.Model, epoch+1, 0)
	return err
}

func (b *BackupAndRestoreCallback) OnTrainEnd(Logs) error {
	if b.c.deleteOnEnd {
		return os.RemoveAll(b.dir)
	}
	return nil
}

// ---------------------------------------------------------------------------------------------

// LambdaCallback runs the functions it holds (nil ones are skipped), as Keras's LambdaCallback.
type LambdaCallback struct {
	BaseCallback
	TrainBegin func(logs Logs) error
	TrainEnd   func(logs Logs) error
	EpochBegin func(epoch int, logs Logs) error
	EpochEnd   func(epoch int, logs Logs) error
	BatchBegin func(batch int, logs Logs) error
	BatchEnd   func(batch int, logs Logs) error
}

func (l *LambdaCallback) OnTrainBegin(logs Logs) error { return call1(l.TrainBegin, logs) }
func (l *LambdaCallback) OnTrainEnd(logs Logs) error   { return call1(l.TrainEnd, logs) }
func (l *LambdaCallback) OnEpochBegin(e int, logs Logs) error {
	return call2(l.EpochBegin, e, logs)
}
func (l *LambdaCallback) OnEpochEnd(e int, logs Logs) error { return call2(l.EpochEnd, e, logs) }
func (l *LambdaCallback) OnTrainBatchBegin(b int, logs Logs) error {
	return call2(l.BatchBegin, b, logs)
}
func (l *LambdaCallback) OnTrainBatchEnd(b int, logs Logs) error {
	return call2(l.BatchEnd, b, logs)
}

func call1(f func(Logs) error, logs Logs) error {
	if f == nil {
		return nil
	}
	return f(logs)
}

func call2(f func(int, Logs) error, i int, logs Logs) error {
	if f == nil {
		return nil
	}
	return f(i, logs)
}

// ---------------------------------------------------------------------------------------------

// ScalarWriter is where the TensorBoard callback writes: a TensorBoard event-file writer
// implements it (one run directory per name: "train", "validation").
type ScalarWriter interface {
	// WriteScalar records value under tag at step in the named run.
	WriteScalar(run, tag string, step int64, value float64) error
	// Flush makes what was written visible to readers.
	Flush() error
}

// TensorBoardCallback writes training curves through a ScalarWriter.
type TensorBoardCallback struct {
	BaseCallback
	w          ScalarWriter
	updateFreq int
}

// TensorBoard returns a callback writing Keras's TensorBoard scalars through w: at each epoch's
// end "epoch_<key>" in run "train" and, for val_ keys, "epoch_<key without val_>" in run
// "validation" (step = epoch), plus "epoch_learning_rate"; with updateFreq > 0 also
// "batch_<key>" every updateFreq batches (step = train step).
func TensorBoard(w ScalarWriter, updateFreq int) *TensorBoardCallback {
	return &TensorBoardCallback{w: w, updateFreq: updateFreq}
}

func (t *TensorBoardCallback) OnTrainBatchEnd(batch int, logs Logs) error {
	if t.updateFreq <= 0 || t.Model.Step()%int64(t.updateFreq) != 0 {
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(logs)) {
		if err := t.w.WriteScalar("train", "batch_"+k, t.Model.Step(), logs[k]); err != nil {
			return err
		}
	}
	return nil
}

func (t *TensorBoardCallback) OnEpochEnd(epoch int, logs Logs) error {
	for _, k := range slices.Sorted(maps.Keys(logs)) {
		run, tag := "train", k
		if strings.HasPrefix(k, "val_") {
			run, tag = "validation", k[4:]
		}
		if err := t.w.WriteScalar(run, "epoch_"+tag, int64(epoch), logs[k]); err != nil {
			return err
		}
	}
	if opt := t.Model.Optimizer(); opt != nil {
		if _, ok := logs["learning_rate"]; !ok {
			if err := t.w.WriteScalar("train", "epoch_learning_rate", int64(epoch), opt.LearningRate()); err != nil {
				return err
			}
		}
	}
	return t.w.Flush()
}
