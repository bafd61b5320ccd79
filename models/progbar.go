package models

import (
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// ProgbarOption configures [NewProgbarLogger].
type ProgbarOption func(*ProgbarLogger)

// ProgbarWriter sets where the progress goes (default os.Stdout).
func ProgbarWriter(w io.Writer) ProgbarOption { return func(p *ProgbarLogger) { p.w = w } }

// ProgbarDynamic forces (true) or forbids (false) the live display that rewrites the line in
// place; by default it is on when the writer is a terminal. Without it only the final line of
// each epoch is printed.
func ProgbarDynamic(on bool) ProgbarOption {
	return func(p *ProgbarLogger) { p.dynamic, p.dynamicSet = on, true }
}

// ProgbarColor turns the ANSI bold and colour codes on or off (default: on with the live
// display).
func ProgbarColor(on bool) ProgbarOption {
	return func(p *ProgbarLogger) { p.color, p.colorSet = on, true }
}

// ProgbarClock replaces the clock (for tests).
func ProgbarClock(now func() time.Time) ProgbarOption { return func(p *ProgbarLogger) { p.now = now } }

// ProgbarLogger prints Keras 3's progress bar: with verbose 1, "Epoch 2/15" before each epoch
// (when there are several) and a line rewritten in place at most every 0.05 s,
//
//	52/469 ━━━━━━━━━━━━━━━━━━━━ 21s 47ms/step - accuracy: 0.9712 - loss: 0.0950
//
// (counter, a 20-cell bar, the ETA — the epoch's time once finished — the time per step
// excluding the first, and the logs to 4 decimals: training keys sorted, then val_ keys, then
// keys added by callbacks); with verbose 2, one line per epoch "469/469 - 3s - 6ms/step -
// ...". Fit adds one (last) unless the callbacks hold one; its verbosity is Fit's.
type ProgbarLogger struct {
	BaseCallback
	w                   io.Writer
	dynamic, dynamicSet bool
	color, colorSet     bool
	now                 func() time.Time
	interval            time.Duration
	verbose             int
	inFit               bool
	target              int
	seen                int
	start, last         time.Time
	afterFirst          time.Time
	hasFirst            bool
	prevWidth           int
	started             bool
}

// NewProgbarLogger returns a progress bar callback.
func NewProgbarLogger(opts ...ProgbarOption) *ProgbarLogger {
	p := &ProgbarLogger{w: os.Stdout, now: time.Now, interval: 50 * time.Millisecond}
	for _, o := range opts {
		o(p)
	}
	if !p.dynamicSet {
		p.dynamic = isTerminal(p.w)
	}
	if !p.colorSet {
		p.color = p.dynamic
	}
	return p
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// SetModel records the run's parameters.
func (p *ProgbarLogger) SetModel(m *Model, params Params) {
	p.BaseCallback.SetModel(m, params)
	p.verbose = params.Verbose
}

func (p *ProgbarLogger) reset() {
	p.seen, p.started, p.hasFirst, p.prevWidth = 0, false, false, 0
	p.target = p.Params.Steps
}

func (p *ProgbarLogger) maybeStart() {
	if !p.started {
		p.started = true
		p.start = p.now()
		p.last = time.Time{}
	}
}

func (p *ProgbarLogger) OnTrainBegin(Logs) error { p.inFit = true; return nil }
func (p *ProgbarLogger) OnTrainEnd(Logs) error   { p.inFit = false; return nil }

func (p *ProgbarLogger) OnEpochBegin(epoch int, _ Logs) error {
	p.reset()
	p.maybeStart()
	if p.verbose > 0 && p.Params.Epochs > 1 {
		fmt.Fprintf(p.w, "Epoch %d/%d\n", epoch+1, p.Params.Epochs)
	}
	return nil
}

func (p *ProgbarLogger) OnTrainBatchEnd(batch int, logs Logs) error {
	p.batchEnd(batch, logs)
	return nil
}

func (p *ProgbarLogger) OnEpochEnd(_ int, logs Logs) error {
	p.finalize(logs)
	return nil
}

func (p *ProgbarLogger) OnTestBegin(Logs) error {
	if !p.inFit {
		p.reset()
		p.maybeStart()
	}
	return nil
}

func (p *ProgbarLogger) OnTestBatchEnd(batch int, logs Logs) error {
	if !p.inFit {
		p.batchEnd(batch, logs)
	}
	return nil
}

func (p *ProgbarLogger) OnTestEnd(logs Logs) error {
	if !p.inFit {
		p.finalize(logs)
	}
	return nil
}

func (p *ProgbarLogger) OnPredictBegin(Logs) error {
	p.reset()
	p.maybeStart()
	return nil
}

func (p *ProgbarLogger) OnPredictBatchEnd(batch int, _ Logs) error {
	p.batchEnd(batch, nil)
	return nil
}

func (p *ProgbarLogger) OnPredictEnd(Logs) error {
	p.finalize(nil)
	return nil
}

func (p *ProgbarLogger) batchEnd(batch int, logs Logs) {
	p.maybeStart()
	p.seen = batch + 1
	if p.verbose == 1 {
		p.update(p.seen, logs, false)
	}
}

func (p *ProgbarLogger) finalize(logs Logs) {
	if p.target < 0 {
		p.target = p.seen
	}
	p.update(p.target, logs, true)
}

// stepTime estimates the time per step, leaving out the first step when it can.
func (p *ProgbarLogger) stepTime(current int, now time.Time) float64 {
	if current == 0 {
		return 0
	}
	var t float64
	if p.hasFirst && current > 1 {
		t = now.Sub(p.afterFirst).Seconds() / float64(current-1)
	} else {
		t = now.Sub(p.start).Seconds() / float64(current)
	}
	if current == 1 {
		p.afterFirst, p.hasFirst = now, true
	}
	return t
}

func (p *ProgbarLogger) update(current int, logs Logs, final bool) {
	now := p.now()
	perStep := p.stepTime(current, now)
	switch p.verbose {
	case 1:
		if !final && (now.Sub(p.last) < p.interval || !p.dynamic) {
			return
		}
		p.last = now
		p.writeLine(current, perStep, now, logs, final)
	case 2:
		if final && p.target > 0 {
			digits := int(math.Log10(float64(p.target))) + 1
			var b strings.Builder
			fmt.Fprintf(&b, "%*d/%d - %.0fs -%s", digits, current, p.target, now.Sub(p.start).Seconds(), formatStepTime(perStep))
			for _, k := range logKeys(p.Model, logs) {
				fmt.Fprintf(&b, " - %s: %s", k, formatValue(logs[k], false))
			}
			b.WriteString("\n")
			io.WriteString(p.w, b.String())
		}
	}
}

func (p *ProgbarLogger) esc(code, s string) string {
	if !p.color {
		return s
	}
	return code + s + "\x1b[0m"
}

func (p *ProgbarLogger) writeLine(current int, perStep float64, now time.Time, logs Logs, final bool) {
	var msg strings.Builder
	if p.dynamic {
		msg.WriteString(strings.Repeat("\b", p.prevWidth) + "\r")
	}
	var bar string
	width := 0
	if p.target > 0 {
		digits := int(math.Log10(float64(p.target))) + 1
		counter := fmt.Sprintf("%*d/%d", digits, current, p.target)
		done := min(20, 20*current/p.target)
		bar = p.esc("\x1b[1m", counter) + " "
		if done > 0 {
			bar += p.esc("\x1b[32m", strings.Repeat("━", done))
		}
		bar += p.esc("\x1b[37m", strings.Repeat("━", 20-done))
		width += utf8.RuneCountInString(counter) + 1 + 20
	} else {
		bar = fmt.Sprintf("%7d/Unknown", current)
		width += utf8.RuneCountInString(bar)
	}
	var tm string
	if p.target > 0 && !final {
		tm = formatETA(perStep * float64(p.target-current))
	} else {
		tm = fmt.Sprintf("%.0fs", now.Sub(p.start).Seconds())
	}
	info := " " + p.esc("\x1b[1m", tm) + formatStepTime(perStep)
	plain := " " + tm + formatStepTime(perStep)
	for _, k := range logKeys(p.Model, logs) {
		s := fmt.Sprintf(" - %s: %s", k, formatValue(logs[k], true))
		info += s
		plain += s
	}
	width += utf8.RuneCountInString(plain)
	msg.WriteString(bar + info)
	if p.prevWidth > width {
		msg.WriteString(strings.Repeat(" ", p.prevWidth-width))
	}
	if final {
		msg.WriteString("\n")
	}
	if !p.dynamic && !final {
		return
	}
	io.WriteString(p.w, msg.String())
	p.prevWidth = width
}

// formatETA formats a remaining time as Keras: "%ds" up to a minute, then "m:ss", then
// "h:mm:ss".
func formatETA(eta float64) string {
	switch {
	case eta > 3600:
		return fmt.Sprintf("%d:%02d:%02d", int(eta)/3600, (int(eta)%3600)/60, int(eta)%60)
	case eta > 60:
		return fmt.Sprintf("%d:%02d", int(eta)/60, int(eta)%60)
	}
	return fmt.Sprintf("%ds", int(eta))
}

// formatStepTime formats the time per step: " 3s/step", " 47ms/step" or " 512us/step".
func formatStepTime(t float64) string {
	switch {
	case t >= 1 || t == 0:
		return fmt.Sprintf(" %.0fs/step", t)
	case t >= 1e-3:
		return fmt.Sprintf(" %.0fms/step", t*1e3)
	}
	return fmt.Sprintf(" %.0fus/step", t*1e6)
}

// formatValue formats a log value to 4 decimals, or in exponent form when small: by its
// magnitude (verbose 1) or its value (verbose 2, where negatives also use the exponent form).
func formatValue(v float64, abs bool) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	x := v
	if abs {
		x = math.Abs(v)
	}
	if x > 1e-3 {
		return fmt.Sprintf("%.4f", v)
	}
	return fmt.Sprintf("%.4e", v)
}

// logKeys orders log keys as Keras 3's progress bar shows them: the model's own keys sorted,
// then the val_ keys sorted, then the others (added by callbacks) sorted.
func logKeys(m *Model, logs Logs) []string {
	own := map[string]bool{}
	if m != nil {
		for _, k := range m.metricKeys() {
			own[k] = true
		}
	}
	cat := func(k string) int {
		switch {
		case own[k]:
			return 0
		case strings.HasPrefix(k, "val_") && (own[k[4:]] || m == nil):
			return 1
		case m == nil:
			return 0
		}
		return 2
	}
	keys := make([]string, 0, len(logs))
	for k := range logs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if ca, cb := cat(a), cat(b); ca != cb {
			return ca - cb
		}
		return strings.Compare(a, b)
	})
	return keys
}
