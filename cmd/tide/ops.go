package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tideml/tide/core"
	_ "github.com/tideml/tide/ops" // registers the ops
)

// listOps prints every registered op: name, the dtypes it has kernels for, whether it is
// differentiable, and its description.
func listOps(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OP\tDTYPES\tGRADIENT\tDESCRIPTION")
	for _, op := range core.Ops() {
		dts := op.KernelDTypes()
		if op.IsView() {
			dts = op.DTypes()
		}
		names := make([]string, len(dts))
		for i, d := range dts {
			names[i] = d.String()
		}
		grad := "no"
		if op.Differentiable() {
			grad = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", op.Name(), strings.Join(names, ","), grad, op.Doc())
	}
	tw.Flush()
}
