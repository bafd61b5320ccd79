package models

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/core"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/shape"
)

// SummaryOption configures [Model.Summary].
type SummaryOption func(*summaryConfig)

type summaryConfig struct {
	lineLength    int
	showTrainable bool
	expandNested  bool
}

// LineLength sets the total width of the table. By default it is Keras's (88 columns, 108 for a
// functional model that is not a chain) capped at the terminal's width minus 4, the terminal
// counting as 80 columns when w is not one (so 76).
func LineLength(n int) SummaryOption { return func(c *summaryConfig) { c.lineLength = n } }

// ShowTrainable adds a Trainable column: Y, N, or - for layers without weights.
func ShowTrainable() SummaryOption { return func(c *summaryConfig) { c.showTrainable = true } }

// ExpandNested lists the layers of nested models under them, indented with "└ ".
func ExpandNested() SummaryOption { return func(c *summaryConfig) { c.expandNested = true } }

// Summary writes Keras 3's model summary to w: the model's name, a table of its layers (name
// and class, output shape with None for the batch dimension, parameter count, and for a
// functional model that is not a simple chain the layers each one is connected to), then the
// parameter totals with their sizes — and the optimizer's once training has started. The table
// is drawn with the box characters of Keras's (rich's) "heavy head" style, without colour.
// It returns the model's build error, or w's write error. For a model made by FromLayer it
// traces the layer's Call with stand-ins in the layer's interface fields (see FromLayer), so it
// must not run while the model is used on another goroutine.
func (m *Model) Summary(w io.Writer, opts ...SummaryOption) error {
	if m.err != nil {
		return m.err
	}
	cfg := summaryConfig{}
	for _, o := range opts {
		o(&cfg)
	}
	seqLike := m.kind != kindFunctional || m.isChain()
	header := []string{"Layer (type)", "Output Shape", "Param #"}
	align := []byte{'l', 'l', 'r'}
	def, pos := 88, []float64{0.45, 0.80, 1.0}
	if !seqLike {
		def, pos = 108, []float64{0.30, 0.56, 0.74, 1.0}
		header = append(header, "Connected to")
		align = append(align, 'l')
	}
	if cfg.showTrainable {
		def += 12
		for i := range pos {
			pos[i] *= 0.9
		}
		pos = append(pos, 1.0)
		header = append(header, "Trainable")
		align = append(align, 'c')
	}
	length := cfg.lineLength
	if length == 0 {
		length = min(def, terminalColumns(w)-4)
	}
	widths, err := columnWidths(pos, length)
	if err != nil {
		return err
	}
	var rows [][]string
	m.subOuts = m.subLayerOutputs()
	for _, l := range m.summaryLayers() {
		rows = append(rows, m.layerRows(l, 0, seqLike, &cfg)...)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Model: %q\n", m.name)
	drawTable(&b, header, align, widths, rows)
	tw, nw := m.TrainableWeights(), m.NonTrainableWeights()
	var ow []*autodiff.Variable
	if m.train != nil && m.train.optBuilt() {
		ow = m.train.opt.Variables()
	}
	all := append(append(append([]*autodiff.Variable{}, tw...), nw...), ow...)
	fmt.Fprintf(&b, " Total params: %s (%s)\n", commas(countParams(all)), readableSize(weightBytes(all)))
	fmt.Fprintf(&b, " Trainable params: %s (%s)\n", commas(countParams(tw)), readableSize(weightBytes(tw)))
	fmt.Fprintf(&b, " Non-trainable params: %s (%s)\n", commas(countParams(nw)), readableSize(weightBytes(nw)))
	if ow != nil {
		fmt.Fprintf(&b, " Optimizer params: %s (%s)\n", commas(countParams(ow)), readableSize(weightBytes(ow)))
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// summaryLayers returns the layers listed in the summary.
func (m *Model) summaryLayers() []nn.Layer {
	return m.Layers()
}

// isChain reports whether a functional model is a simple chain, summarised like a Sequential
// one (Keras's "sequential_like"): every depth of the graph has one node with at most one
// input, and no layer is called twice.
func (m *Model) isChain() bool {
	depth := map[*node]int{}
	for i := len(m.nodes) - 1; i >= 0; i-- { // consumers come after producers
		n := m.nodes[i]
		for _, in := range n.inputs {
			depth[in.node] = max(depth[in.node], depth[n]+1)
		}
	}
	perDepth := map[int]int{}
	calls := map[nn.Layer]int{}
	for _, n := range m.nodes {
		perDepth[depth[n]]++
		if perDepth[depth[n]] > 1 || len(n.inputs) > 1 {
			return false
		}
		calls[n.layer]++
		if calls[n.layer] > 1 {
			return false
		}
	}
	return true
}

// layerRows returns the table rows of l (and of its layers when it is a nested model and
// ExpandNested is set).
func (m *Model) layerRows(l nn.Layer, level int, seqLike bool, cfg *summaryConfig) [][]string {
	prefix := ""
	if level > 0 {
		prefix = strings.Repeat("   ", level) + "└ "
	}
	params := "0 (unbuilt)"
	if m.Built() || isBuilt(l) {
		params = commas(nn.CountParams(l))
	}
	row := []string{prefix + l.Name() + " (" + className(l) + ")", m.layerShape(l), params}
	if !seqLike {
		row = append(row, m.connections(l))
	}
	if cfg.showTrainable {
		t := "-"
		if ws := l.Weights(); len(ws) > 0 {
			t = "N"
			for _, v := range ws {
				if v.Trainable() {
					t = "Y"
				}
			}
		}
		row = append(row, t)
	}
	rows := [][]string{row}
	if sub, ok := l.(*Model); ok && cfg.expandNested {
		sub.subOuts = sub.subLayerOutputs()
		for _, sl := range sub.summaryLayers() {
			for _, r := range sub.layerRows(sl, level+1, seqLike, cfg) {
				rows = append(rows, r)
			}
		}
	}
	return rows
}

// layerShape formats the output shape of l's last call in the model, "?" when unknown.
func (m *Model) layerShape(l nn.Layer) string {
	var specs []core.Spec
	switch m.kind {
	case kindFunctional:
		for _, n := range m.nodes {
			if n.layer == l {
				specs = specs[:0]
				for _, o := range n.outputs {
					specs = append(specs, o.spec)
				}
			}
		}
	case kindSequential:
		for i, sl := range m.layers {
			if sl == l && m.outSpecs != nil {
				specs = m.outSpecs[i]
			}
		}
	case kindLayer:
		specs = m.subOuts[l]
	}
	switch len(specs) {
	case 0:
		return "?"
	case 1:
		return formatShape(specs[0].Shape)
	}
	parts := make([]string, len(specs))
	for i, s := range specs {
		parts[i] = formatShape(s.Shape)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// connections formats the "Connected to" cell of l: name[node][tensor] of each input of each
// call of l in the model, "-" for an input layer.
func (m *Model) connections(l nn.Layer) string {
	nodeIndex := map[*node]int{}
	count := map[nn.Layer]int{}
	for _, n := range m.nodes {
		nodeIndex[n] = count[n.layer]
		count[n.layer]++
	}
	var parts []string
	for _, n := range m.nodes {
		if n.layer != l {
			continue
		}
		for _, in := range n.inputs {
			parts = append(parts, fmt.Sprintf("%s[%d][%d]", in.node.layer.Name(), nodeIndex[in.node], in.index))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// formatShape formats a shape as a Python tuple with None for unknown dimensions:
// "(None, 26, 26, 32)", "(None,)" for rank 1.
func formatShape(s shape.Shape) string {
	parts := make([]string, len(s))
	for i, d := range s {
		if d < 0 {
			parts[i] = "None"
		} else {
			parts[i] = strconv.Itoa(d)
		}
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// columnWidths returns the cell widths (padding included) of a rich table of total width
// length whose columns ask for the relative stops pos, as Keras requests them and rich fits
// them: each column asks int(stop*length) - previous (at least 4), plus 2 for padding, and the
// excess over the space left by the borders is taken off column by column, round(excess /
// columns left) at a time with Python's round half to even.
func columnWidths(pos []float64, length int) ([]int, error) {
	var widths []int
	cur, total := 0, 0
	for _, p := range pos {
		w := int(p*float64(length)) - cur
		if w < 4 {
			return nil, fmt.Errorf("models: summary: line length %d is too narrow", length)
		}
		widths = append(widths, w+2)
		cur += w
		total += w + 2
	}
	excess := total - (length - len(pos) - 1)
	for i := range widths {
		if excess <= 0 {
			break
		}
		cut := int(math.RoundToEven(float64(excess) / float64(len(widths)-i)))
		widths[i] -= cut
		excess -= cut
	}
	return widths, nil
}

// drawTable draws a rich "heavy head" table with a line between every row.
func drawTable(b *strings.Builder, header []string, align []byte, widths []int, rows [][]string) {
	rule := func(l, mid, r, fill string) {
		b.WriteString(l)
		for i, w := range widths {
			if i > 0 {
				b.WriteString(mid)
			}
			b.WriteString(strings.Repeat(fill, w))
		}
		b.WriteString(r + "\n")
	}
	row := func(cells []string, sep string) {
		wrapped := make([][]string, len(cells))
		lines := 1
		for i, c := range cells {
			wrapped[i] = wrapText(c, widths[i]-2)
			lines = max(lines, len(wrapped[i]))
		}
		for k := range lines {
			b.WriteString(sep)
			for i, w := range widths {
				text := ""
				if k < len(wrapped[i]) {
					text = wrapped[i][k]
				}
				b.WriteString(" " + justify(text, w-2, align[i]) + " " + sep)
			}
			b.WriteString("\n")
		}
	}
	rule("┏", "┳", "┓", "━")
	row(header, "┃")
	rule("┡", "╇", "┩", "━")
	for i, r := range rows {
		if i > 0 {
			rule("├", "┼", "┤", "─")
		}
		row(r, "│")
	}
	rule("└", "┴", "┘", "─")
}

func justify(s string, w int, align byte) string {
	pad := w - len([]rune(s))
	if pad <= 0 {
		return s
	}
	switch align {
	case 'r':
		return strings.Repeat(" ", pad) + s
	case 'c':
		return strings.Repeat(" ", pad/2) + s + strings.Repeat(" ", pad-pad/2)
	}
	return s + strings.Repeat(" ", pad)
}

// wrapText breaks s into lines of at most w runes at spaces, as rich wraps cells; a word longer
// than a line is cut.
func wrapText(s string, w int) []string {
	if w <= 0 || len([]rune(s)) <= w {
		return []string{s}
	}
	var lines []string
	cur := ""
	for _, word := range strings.Fields(s) {
		for len([]rune(word)) > w {
			if cur != "" {
				lines, cur = append(lines, cur), ""
			}
			r := []rune(word)
			lines = append(lines, string(r[:w]))
			word = string(r[w:])
		}
		switch {
		case cur == "":
			cur = word
		case len([]rune(cur))+1+len([]rune(word)) <= w:
			cur += " " + word
		default:
			lines, cur = append(lines, cur), word
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// terminalColumns returns w's width when it is a terminal, else 80 (Python's
// shutil.get_terminal_size fallback).
func terminalColumns(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil && ws.Col > 0 {
			return int(ws.Col)
		}
	}
	return 80
}

func countParams(vs []*autodiff.Variable) int {
	n := 0
	for _, v := range vs {
		n += shape.Shape(v.Shape()).Size()
	}
	return n
}

func weightBytes(vs []*autodiff.Variable) float64 {
	n := 0.0
	for _, v := range vs {
		n += float64(shape.Shape(v.Shape()).Size() * v.DType().Size())
	}
	return n
}

// readableSize formats a byte count as Keras does: "0.00 B", "397.54 KB", "2.39 MB".
func readableSize(n float64) string {
	units := []string{"B", "KB", "MB", "GB", "TB", "PB"}
	for _, u := range units {
		if n/1024 < 1 {
			return fmt.Sprintf("%.2f %s", n, u)
		}
		n /= 1024
	}
	return fmt.Sprintf("%.2f %s", n, units[len(units)-1])
}

// commas formats n with thousands separators: 100480 → "100,480".
func commas(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
