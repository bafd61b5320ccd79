package models

import (
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
)

// Logs maps metric names to values: "loss", "accuracy", "val_loss", "learning_rate", ...
type Logs map[string]float64

// Params describes the run a callback is part of (Keras's callback.params).
type Params struct {
	Epochs  int // epochs of Fit (0 for Evaluate and Predict)
	Steps   int // steps per epoch, or -1 when unknown
	Verbose int // 0, 1 or 2
}

// Callback is notified as Fit, Evaluate and Predict run, as Keras's callbacks are. Epoch and
// batch indices are 0-based. An error returned by a hook stops the run and is returned by it.
// Embed [BaseCallback] to implement only the hooks you need.
type Callback interface {
	SetModel(m *Model, p Params)
	OnTrainBegin(logs Logs) error
	OnTrainEnd(logs Logs) error
	OnEpochBegin(epoch int, logs Logs) error
	OnEpochEnd(epoch int, logs Logs) error
	OnTrainBatchBegin(batch int, logs Logs) error
	OnTrainBatchEnd(batch int, logs Logs) error
	OnTestBegin(logs Logs) error
	OnTestEnd(logs Logs) error
	OnTestBatchBegin(batch int, logs Logs) error
	OnTestBatchEnd(batch int, logs Logs) error
	OnPredictBegin(logs Logs) error
	OnPredictEnd(logs Logs) error
	OnPredictBatchBegin(batch int, logs Logs) error
	OnPredictBatchEnd(batch int, logs Logs) error
}

// BaseCallback implements every hook of [Callback] as doing nothing, and keeps the model and
// params. Embed it.
type BaseCallback struct {
	Model  *Model
	Params Params
}

func (c *BaseCallback) SetModel(m *Model, p Params)         { c.Model, c.Params = m, p }
func (c *BaseCallback) OnTrainBegin(Logs) error             { return nil }
func (c *BaseCallback) OnTrainEnd(Logs) error               { return nil }
func (c *BaseCallback) OnEpochBegin(int, Logs) error        { return nil }
func (c *BaseCallback) OnEpochEnd(int, Logs) error          { return nil }
func (c *BaseCallback) OnTrainBatchBegin(int, Logs) error   { return nil }
func (c *BaseCallback) OnTrainBatchEnd(int, Logs) error     { return nil }
func (c *BaseCallback) OnTestBegin(Logs) error              { return nil }
func (c *BaseCallback) OnTestEnd(Logs) error                { return nil }
func (c *BaseCallback) OnTestBatchBegin(int, Logs) error    { return nil }
func (c *BaseCallback) OnTestBatchEnd(int, Logs) error      { return nil }
func (c *BaseCallback) OnPredictBegin(Logs) error           { return nil }
func (c *BaseCallback) OnPredictEnd(Logs) error             { return nil }
func (c *BaseCallback) OnPredictBatchBegin(int, Logs) error { return nil }
func (c *BaseCallback) OnPredictBatchEnd(int, Logs) error   { return nil }

// callbackList calls every callback in order, stopping at the first error.
type callbackList []Callback

func (cl callbackList) each(fn func(c Callback) error) error {
	for _, c := range cl {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

// History records the logs of every epoch; Fit returns it (Keras's History callback).
type History struct {
	BaseCallback
	// Epoch lists the 0-based epochs recorded.
	Epoch []int
	// History maps each log key to its per-epoch values.
	History map[string][]float64
}

// OnEpochEnd records logs.
func (h *History) OnEpochEnd(epoch int, logs Logs) error {
	if h.History == nil {
		h.History = map[string][]float64{}
	}
	h.Epoch = append(h.Epoch, epoch)
	for k, v := range logs {
		h.History[k] = append(h.History[k], v)
	}
	return nil
}

// Last returns the value of key at the last epoch recorded, and whether there is one.
func (h *History) Last(key string) (float64, bool) {
	v := h.History[key]
	if len(v) == 0 {
		return 0, false
	}
	return v[len(v)-1], true
}

// Keys returns the recorded keys, sorted.
func (h *History) Keys() []string { return slices.Sorted(maps.Keys(h.History)) }

// monitor is the "is this better?" logic shared by EarlyStopping, ModelCheckpoint and
// ReduceLROnPlateau (Keras's monitor/mode/min_delta).
type monitor struct {
	key      string
	mode     string // "auto", "min", "max"
	minDelta float64
	less     bool // resolved: lower is better
	resolved bool
	best     float64
	hasBest  bool
}

// resolve settles the direction of an "auto" monitor from the key and the model's metrics.
func (mo *monitor) resolve(m *Model) error {
	if mo.resolved {
		return nil
	}
	switch mo.mode {
	case "min":
		mo.less = true
	case "max":
		mo.less = false
	default:
		less, ok := direction(m, strings.TrimPrefix(mo.key, "val_"))
		if !ok {
			return fmt.Errorf("models: cannot tell whether %q should go up or down; give the mode (\"min\" or \"max\") explicitly", mo.key)
		}
		mo.less = less
	}
	mo.resolved = true
	mo.minDelta = math.Abs(mo.minDelta)
	return nil
}

// direction reports whether lower values of the log key are better, and whether it knows.
func direction(m *Model, key string) (less, ok bool) {
	if key == "loss" || strings.HasSuffix(key, "_loss") {
		return true, true
	}
	if m != nil && m.train != nil {
		for _, ms := range m.train.metrics {
			for _, mt := range ms {
				if mt.Name() == key || strings.HasSuffix(key, "_"+mt.Name()) {
					if d, ok := mt.(interface{ Direction() string }); ok {
						return d.Direction() == "down", true
					}
				}
			}
		}
	}
	for _, up := range []string{"acc", "auc", "precision", "recall", "f1", "iou", "r2"} {
		if strings.Contains(key, up) {
			return false, true
		}
	}
	for _, down := range []string{"error", "mse", "mae", "crossentropy", "hinge", "divergence", "poisson", "logcosh"} {
		if strings.Contains(key, down) {
			return true, true
		}
	}
	return false, false
}

// improved reports whether current beats the best so far by minDelta (no best yet: it does).
func (mo *monitor) improved(current float64) bool {
	if !mo.hasBest {
		return true
	}
	if mo.less {
		return current+mo.minDelta < mo.best
	}
	return current-mo.minDelta > mo.best
}

// warnf writes a warning line (Keras warns and goes on when a monitored key is missing).
var warnOut io.Writer = os.Stderr

func warnf(format string, args ...any) { fmt.Fprintf(warnOut, "warning: "+format+"\n", args...) }
