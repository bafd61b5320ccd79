package graph

import (
	"fmt"
	"io"
	"strings"
)

// String returns a text listing of the graph, one line per value definition:
//
//	%0 = param 0: float32[? 784]
//	%1 = capture: float32[784 10] (variable)
//	%2 = matmul{TransposeA:false TransposeB:false}(%0, %1): float32[? 10]
//	return %2
func (g *Graph) String() string {
	var b strings.Builder
	g.WriteText(&b)
	return b.String()
}

// WriteText writes the listing of [Graph.String] to w.
func (g *Graph) WriteText(w io.Writer) {
	for _, p := range g.Params {
		fmt.Fprintf(w, "%%%d = param %d: %v\n", p.ID, p.Param, p.Spec)
	}
	for _, c := range g.Captures {
		kind := "constant"
		if c.Tensor.Mutable() {
			kind = "variable"
		}
		fmt.Fprintf(w, "%%%d = capture: %v (%s)\n", c.ID, c.Spec, kind)
	}
	for _, n := range g.Nodes {
		outs := make([]string, len(n.Outputs))
		specs := make([]string, len(n.Outputs))
		for i, o := range n.Outputs {
			outs[i] = fmt.Sprintf("%%%d", o.ID)
			specs[i] = o.Spec.String()
		}
		fmt.Fprintf(w, "%s = %s%s(%s): %s\n", strings.Join(outs, ", "), n.Op.Name(), paramText(n.Params), valueList(n.Inputs), strings.Join(specs, ", "))
	}
	for _, a := range g.Assigns {
		fmt.Fprintf(w, "assign %s%v <- %%%d\n", a.Target.DType(), a.Target.Shape(), a.Value.ID)
	}
	fmt.Fprintf(w, "return %s\n", valueList(g.Outputs))
}

func paramText(p any) string {
	s := fmt.Sprintf("%+v", p)
	if s == "{}" {
		return ""
	}
	return s
}

func valueList(vs []*Value) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = fmt.Sprintf("%%%d", v.ID)
	}
	return strings.Join(s, ", ")
}

// WriteDOT writes the graph in Graphviz DOT: values as edges labelled with their specs, ops as
// boxes, params, captures and outputs as ellipses.
func (g *Graph) WriteDOT(w io.Writer) {
	fmt.Fprintln(w, "digraph tide {")
	fmt.Fprintln(w, "  rankdir=TB; node [fontname=\"Helvetica\" fontsize=10]; edge [fontsize=9];")
	src := map[*Value]string{}
	for _, p := range g.Params {
		id := fmt.Sprintf("v%d", p.ID)
		fmt.Fprintf(w, "  %s [shape=ellipse label=\"param %d\\n%v\"];\n", id, p.Param, p.Spec)
		src[p] = id
	}
	for _, c := range g.Captures {
		id := fmt.Sprintf("v%d", c.ID)
		kind := "constant"
		if c.Tensor.Mutable() {
			kind = "variable"
		}
		fmt.Fprintf(w, "  %s [shape=ellipse style=dashed label=\"%s\\n%v\"];\n", id, kind, c.Spec)
		src[c] = id
	}
	for _, n := range g.Nodes {
		id := fmt.Sprintf("n%d", n.ID)
		fmt.Fprintf(w, "  %s [shape=box label=%q];\n", id, n.Op.Name()+paramText(n.Params))
		for _, in := range n.Inputs {
			fmt.Fprintf(w, "  %s -> %s [label=%q];\n", src[in], id, in.Spec.String())
		}
		for _, o := range n.Outputs {
			src[o] = id
		}
	}
	for i, o := range g.Outputs {
		fmt.Fprintf(w, "  out%d [shape=ellipse style=bold label=\"output %d\"];\n", i, i)
		fmt.Fprintf(w, "  %s -> out%d [label=%q];\n", src[o], i, o.Spec.String())
	}
	fmt.Fprintln(w, "}")
}
