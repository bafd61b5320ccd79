package models

import (
	"fmt"
	"strings"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/metrics"
	"github.com/tideml/tide/shape"
)

// checkMetricSpecs checks what Metrics and OutputMetrics were given: metrics.Metric values and
// names that metrics.Get knows (or "accuracy", "acc").
func (t *trainer) checkMetricSpecs() error {
	check := func(s any) error {
		switch s := s.(type) {
		case metrics.Metric:
			return nil
		case string:
			if isAccuracyName(s) {
				return nil
			}
			_, err := metrics.Get(s)
			if err != nil {
				return fmt.Errorf("models: Compile: %w", err)
			}
			return nil
		case nil:
			return fmt.Errorf("models: Compile: nil metric")
		}
		return fmt.Errorf("models: Compile: metric %v is a %T; want a metrics.Metric or a metric's name", s, s)
	}
	for _, s := range t.metricsAll {
		if err := check(s); err != nil {
			return err
		}
	}
	for _, ss := range t.metricsOut {
		for _, s := range ss {
			if err := check(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// isAccuracyName reports whether name is one of the names Keras resolves from the loss and the
// shapes.
func isAccuracyName(name string) bool {
	n := strings.ToLower(name)
	return n == "accuracy" || n == "acc"
}

// metricNamesOf returns the names (log keys, without an output prefix) of output i's metrics.
func (t *trainer) metricNamesOf(i int) []string {
	if i < len(t.metrics) {
		names := make([]string, len(t.metrics[i]))
		for j, mt := range t.metrics[i] {
			names[j] = mt.Name()
		}
		return names
	}
	var names []string
	for _, s := range append(append([]any{}, t.metricsAll...), t.metricsOut[i]...) {
		switch s := s.(type) {
		case metrics.Metric:
			names = append(names, s.Name())
		case string:
			names = append(names, metricName(s))
		}
	}
	return names
}

// metricName returns the name of the metric made from the name s: s itself for "accuracy",
// "acc" and the lower-case names and aliases ("mse"), as Keras names a metric given by a
// function's name after that string, else the metric's own name ("AUC" gives "auc").
func metricName(s string) string {
	if isAccuracyName(s) || s == strings.ToLower(s) {
		return s
	}
	if mt, err := metrics.Get(s); err == nil {
		return mt.Name()
	}
	return s
}

// resolveMetrics makes each output's metrics from what Compile was given, for targets of the
// given specs (one per output), as Keras's compile does at the first batch: names become
// metrics (one per output), "accuracy" the variant that fits the loss and the shapes.
func (m *Model) resolveMetrics(targets []core.Spec) error {
	t := m.train
	n := len(t.losses)
	out := make([][]metrics.Metric, n)
	for i := range n {
		specs := append(append([]any{}, t.metricsAll...), t.metricsOut[i]...)
		for _, s := range specs {
			var tgt *core.Spec
			if i < len(targets) {
				tgt = &targets[i]
			}
			mt, err := m.makeMetric(s, i, tgt)
			if err != nil {
				return err
			}
			out[i] = append(out[i], mt)
		}
	}
	t.metrics = out
	return nil
}

// makeMetric turns one entry of Metrics into the metric of output i.
func (m *Model) makeMetric(s any, i int, target *core.Spec) (metrics.Metric, error) {
	name, ok := s.(string)
	if !ok {
		return s.(metrics.Metric), nil
	}
	if isAccuracyName(name) {
		var out core.Spec
		if i < len(m.modelOut) {
			out = m.modelOut[i]
		}
		return accuracyFor(name, m.train.losses[i], out, target), nil
	}
	mt, err := metrics.Get(name, metrics.WithName(metricName(name)))
	if err != nil {
		return nil, fmt.Errorf("models: Compile: %w", err)
	}
	return mt, nil
}

// lossKind says which accuracy a loss calls for: "binary", "sparse", "categorical", or "" when
// the loss does not tell (regressions, custom losses). Losses are known by their Keras names.
func lossKind(l losses.Loss) string {
	if l == nil {
		return ""
	}
	switch l.Name() {
	case "binary_crossentropy", "binary_focal_crossentropy":
		return "binary"
	case "sparse_categorical_crossentropy":
		return "sparse"
	case "categorical_crossentropy", "categorical_focal_crossentropy", "categorical_hinge", "kl_divergence":
		return "categorical"
	}
	return ""
}

// accuracyFor returns the accuracy metric named name that fits an output of spec out trained
// with loss on targets of spec target (nil: unknown). Keras 2 chose from the loss and the
// output's last dimension; Keras 3 chooses from the shapes of targets and output alone. The
// loss is asked first, the shapes decide when it does not tell.
func accuracyFor(name string, loss losses.Loss, out core.Spec, target *core.Spec) metrics.Metric {
	last := func(s shape.Shape) int {
		if len(s) == 0 {
			return shape.Unknown
		}
		return s[len(s)-1]
	}
	kind := lossKind(loss)
	if last(out.Shape) == 1 {
		kind = "binary"
	}
	if kind == "" && target != nil {
		t, p := target.Shape, out.Shape
		if len(t) < len(p) || (last(t) == 1 && last(p) > 1) {
			kind = "sparse"
		}
	}
	switch kind {
	case "binary":
		opts := []metrics.Option{metrics.WithName(name)}
		if fromLogits(loss) {
			// sigmoid(z) > 0.5 exactly when z > 0.
			opts = append(opts, metrics.Threshold(0))
		}
		return metrics.BinaryAccuracy(opts...)
	case "sparse":
		return metrics.SparseCategoricalAccuracy(metrics.WithName(name))
	}
	return metrics.CategoricalAccuracy(metrics.WithName(name))
}

// fromLogits reports whether a loss takes logits (its config says from_logits).
func fromLogits(l losses.Loss) bool {
	if l == nil {
		return false
	}
	v, _ := l.Config()["from_logits"].(bool)
	return v
}

// metricVars returns the state variables of the compiled metrics.
func (m *Model) metricVars() []*autodiff.Variable {
	var out []*autodiff.Variable
	if m.train == nil {
		return nil
	}
	for _, ms := range m.train.metrics {
		for _, mt := range ms {
			out = append(out, mt.Variables()...)
		}
	}
	return out
}

// metricValue returns a metric's result for the logs; ok is false for results of more than one
// value (per-class or per-threshold), which logs cannot hold.
func metricValue(mt metrics.Metric) (v float64, ok bool) {
	r := mt.Result()
	if r.Size() != 1 {
		return 0, false
	}
	return r.Item(), true
}
