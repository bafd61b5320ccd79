package models

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/tensor"
)

// CheckpointIndex is the JSON file written beside a checkpoint's safetensors file: where
// training was, and what the file holds.
type CheckpointIndex struct {
	Format  string            `json:"format"` // "tide.checkpoint"
	Version int               `json:"version"`
	Weights string            `json:"weights"` // the safetensors file, relative to the index
	Step    int64             `json:"step"`    // train steps done
	Epoch   int               `json:"epoch"`   // the epoch to resume at (0-based)
	Batch   int               `json:"batch"`   // batches of that epoch already done
	Tensors []CheckpointEntry `json:"tensors"`
	Model   map[string]any    `json:"model,omitempty"` // the model's Config
}

// CheckpointEntry describes one saved variable.
type CheckpointEntry struct {
	Name  string `json:"name"`
	DType string `json:"dtype"`
	Shape []int  `json:"shape"`
}

const checkpointFormat = "tide.checkpoint"

// saveVars is what a checkpoint holds: the model's weights, then (withOpt) the optimizer's
// variables.
func (m *Model) saveVars(withOpt bool) ([]*autodiff.Variable, error) {
	vars := m.Weights()
	if withOpt && m.train != nil && m.train.opt != nil {
		m.train.opt.Build(m.TrainableWeights())
		vars = append(vars, m.train.opt.Variables()...)
	}
	seen := map[string]bool{}
	for _, v := range vars {
		if seen[v.Name()] {
			return nil, fmt.Errorf("models: two variables are named %q; checkpoints need unique names", v.Name())
		}
		seen[v.Name()] = true
	}
	return vars, nil
}

// writeFileAtomic writes b to path through a temporary file in the same directory, synced and
// renamed, so a crash leaves either the old file or the new one, never a torn one.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

func encodeVars(vars []*autodiff.Variable, meta map[string]string) ([]byte, error) {
	ts := make([]namedTensor, len(vars))
	for i, v := range vars {
		ts[i] = namedTensor{v.Name(), v.Value().Detach()}
	}
	return encodeSafetensors(ts, meta)
}

// SaveWeights writes the model's weights to path in the safetensors format, each under its
// variable's name ("dense/kernel"), through a temporary file renamed at the end.
func (m *Model) SaveWeights(path string) error {
	if m.err != nil {
		return m.err
	}
	vars, err := m.saveVars(false)
	if err != nil {
		return err
	}
	b, err := encodeVars(vars, map[string]string{"format": "tide"})
	if err != nil {
		return err
	}
	return writeFileAtomic(path, b)
}

// LoadWeights reads weights saved by SaveWeights (or any safetensors file naming the model's
// variables) into the model. Every weight must be in the file with its shape and dtype; a
// missing, extra or mismatched tensor is an error naming it, and then nothing is changed.
func (m *Model) LoadWeights(path string) error {
	if m.err != nil {
		return m.err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	ts, _, err := decodeSafetensors(b)
	if err != nil {
		return fmt.Errorf("models: %s: %w", path, err)
	}
	vars, err := m.saveVars(false)
	if err != nil {
		return err
	}
	return assignVars(path, vars, ts)
}

// assignVars checks that ts holds exactly the variables vars, with their shapes and dtypes, then
// assigns them.
func assignVars(path string, vars []*autodiff.Variable, ts map[string]*tensor.Tensor) (err error) {
	defer core.Recover(&err)
	var problems []string
	want := map[string]bool{}
	for _, v := range vars {
		want[v.Name()] = true
		t, ok := ts[v.Name()]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("missing %q (%s%v)", v.Name(), v.DType(), v.Shape()))
		case t.DType() != v.DType() || !t.Shape().Equal(v.Shape()):
			problems = append(problems, fmt.Sprintf("%q is %s%v in the file, %s%v in the model", v.Name(), t.DType(), t.Shape(), v.DType(), v.Shape()))
		}
	}
	var extra []string
	for name := range ts {
		if !want[name] {
			extra = append(extra, fmt.Sprintf("%q", name))
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		problems = append(problems, "unexpected "+strings.Join(extra, ", "))
	}
	if len(problems) > 0 {
		return fmt.Errorf("models: %s does not fit the model: %s", path, strings.Join(problems, "; "))
	}
	for _, v := range vars {
		v.Assign(ts[v.Name()])
	}
	return nil
}

// SaveCheckpoint writes a training checkpoint: the model's weights and the optimizer's state to
// path (a safetensors file; ".safetensors" is added if path lacks it), and a JSON index (the same
// name ending in ".json") recording the step, the epoch and batch to resume at, and the tensors
// and the model's config. Both are written to temporary names and renamed, the index last, so
// that a checkpoint whose index exists is complete.
func (m *Model) SaveCheckpoint(path string, epoch, batch int) (err error) {
	defer core.Recover(&err)
	if m.err != nil {
		return m.err
	}
	path = weightsPath(path)
	vars, err := m.saveVars(true)
	if err != nil {
		return err
	}
	idx := CheckpointIndex{Format: checkpointFormat, Version: 1, Weights: filepath.Base(path),
		Step: m.Step(), Epoch: epoch, Batch: batch, Model: jsonSafe(m.Config())}
	for _, v := range vars {
		idx.Tensors = append(idx.Tensors, CheckpointEntry{Name: v.Name(), DType: v.DType().String(), Shape: slices.Clone(v.Shape())})
	}
	b, err := encodeVars(vars, map[string]string{"format": "tide", "step": strconv.FormatInt(m.Step(), 10),
		"epoch": strconv.Itoa(epoch), "batch": strconv.Itoa(batch)})
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, b); err != nil {
		return err
	}
	ib, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(indexPath(path), append(ib, '\n'))
}

// RestoreCheckpoint loads a checkpoint written by SaveCheckpoint (path names its safetensors
// file or its index) into the model and its optimizer, which must have been compiled, and
// returns its index. The model's train step counter is restored too, so that training resumes
// with the same random masks. Missing, extra or mismatched tensors are an error naming them,
// and then nothing is changed.
func (m *Model) RestoreCheckpoint(path string) (*CheckpointIndex, error) {
	if m.err != nil {
		return nil, m.err
	}
	path = weightsPath(strings.TrimSuffix(path, ".json"))
	ib, err := os.ReadFile(indexPath(path))
	if err != nil {
		return nil, err
	}
	var idx CheckpointIndex
	if err := json.Unmarshal(ib, &idx); err != nil {
		return nil, fmt.Errorf("models: %s: %w", indexPath(path), err)
	}
	if idx.Format != checkpointFormat {
		return nil, fmt.Errorf("models: %s is not a Tide checkpoint index (format %q)", indexPath(path), idx.Format)
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(path), idx.Weights))
	if err != nil {
		return nil, err
	}
	ts, _, err := decodeSafetensors(b)
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", path, err)
	}
	vars, err := m.saveVars(true)
	if err != nil {
		return nil, err
	}
	if err := assignVars(path, vars, ts); err != nil {
		return nil, err
	}
	if m.train == nil {
		m.train = &trainer{}
	}
	m.train.steps = idx.Step
	m.train.optIsBuilt = m.train.opt != nil
	return &idx, nil
}

func weightsPath(p string) string {
	if strings.HasSuffix(p, ".safetensors") {
		return p
	}
	return p + ".safetensors"
}

func indexPath(weights string) string { return strings.TrimSuffix(weights, ".safetensors") + ".json" }

// jsonSafe drops what encoding/json cannot write (functions, NaN) from a config.
func jsonSafe(c map[string]any) map[string]any {
	if _, err := json.Marshal(c); err == nil {
		return c
	}
	out := map[string]any{}
	for k, v := range c {
		if _, err := json.Marshal(v); err == nil {
			out[k] = v
		} else if sub, ok := v.(map[string]any); ok {
			out[k] = jsonSafe(sub)
		}
	}
	return out
}

// CheckpointManager keeps numbered checkpoints in a directory ("ckpt-00000042.safetensors"
// with its ".json" index, numbered by train step) and deletes old ones.
type CheckpointManager struct {
	dir  string
	keep int
}

// NewCheckpointManager returns a manager of the checkpoints in dir keeping the last keep of them
// (0: all).
func NewCheckpointManager(dir string, keep int) *CheckpointManager {
	return &CheckpointManager{dir: dir, keep: keep}
}

// Save writes a checkpoint of m at its current step (see [Model.SaveCheckpoint]) and deletes
// the oldest beyond the number kept. It returns the path of the safetensors file.
func (c *CheckpointManager) Save(m *Model, epoch, batch int) (string, error) {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(c.dir, fmt.Sprintf("ckpt-%08d.safetensors", m.Step()))
	if err := m.SaveCheckpoint(path, epoch, batch); err != nil {
		return "", err
	}
	if c.keep > 0 {
		all, err := c.List()
		if err != nil {
			return path, err
		}
		for _, old := range all[:max(0, len(all)-c.keep)] {
			os.Remove(indexPath(old))
			os.Remove(old)
		}
	}
	return path, nil
}

// List returns the complete checkpoints (those with an index) oldest first, as paths of their
// safetensors files.
func (c *CheckpointManager) List() ([]string, error) {
	idx, err := filepath.Glob(filepath.Join(c.dir, "ckpt-*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(idx) // the step is zero-padded
	out := make([]string, len(idx))
	for i, p := range idx {
		out[i] = strings.TrimSuffix(p, ".json") + ".safetensors"
	}
	return out, nil
}

// Latest returns the newest complete checkpoint, or "" if there is none.
func (c *CheckpointManager) Latest() (string, error) {
	all, err := c.List()
	if err != nil || len(all) == 0 {
		return "", err
	}
	return all[len(all)-1], nil
}

// Restore loads the newest checkpoint into m and returns its index, or nil if there is none.
func (c *CheckpointManager) Restore(m *Model) (*CheckpointIndex, error) {
	p, err := c.Latest()
	if err != nil || p == "" {
		return nil, err
	}
	return m.RestoreCheckpoint(p)
}
