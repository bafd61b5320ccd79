package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tideml/tide/applications"
	"github.com/tideml/tide/models"
)

// summaryConfig holds the arguments of tide summary.
type summaryConfig struct {
	model      string
	opts       []applications.Option
	lineLength int
	trainable  bool
}

func parseSummary(args []string, stderr io.Writer) (*summaryConfig, error) {
	c := &summaryConfig{}
	fs := flag.NewFlagSet("summary", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: tide summary [flags] %s\n\nBuilds a Keras application and prints its summary as Keras does.\n\nflags:\n",
			strings.Join(applications.Names(), "|"))
		fs.PrintDefaults()
	}
	top := fs.Bool("include-top", true, "include the classifier on top")
	input := fs.String("input-shape", "", "height,width,channels of one image (default: the network's native size)")
	pooling := fs.String("pooling", "", `pooling of the features without the top: "", avg or max`)
	classes := fs.Int("classes", 1000, "classes of the top")
	activation := fs.String("classifier-activation", "softmax", `activation of the top ("" for logits)`)
	alpha := fs.Float64("alpha", 1, "MobileNetV2's width multiplier")
	weights := fs.String("weights", "", "a safetensors weight file to load (checks that it fits)")
	fs.IntVar(&c.lineLength, "line-length", 0, "width of the table (default: Keras's, capped at the terminal's)")
	fs.BoolVar(&c.trainable, "show-trainable", false, "add a Trainable column")
	// The model may come before the flags: tide summary vgg16 -include-top=false.
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		c.model, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if c.model == "" && fs.NArg() > 0 {
		c.model = fs.Arg(0)
	}
	if c.model == "" {
		fs.Usage()
		return nil, errors.New("name a model")
	}
	c.opts = []applications.Option{applications.IncludeTop(*top), applications.Pooling(*pooling),
		applications.Classes(*classes), applications.ClassifierActivation(*activation), applications.Weights(*weights)}
	if *alpha != 1 {
		c.opts = append(c.opts, applications.Alpha(*alpha))
	}
	if *input != "" {
		dims, err := parseDims(*input)
		if err != nil {
			return nil, err
		}
		c.opts = append(c.opts, applications.InputShape(dims[0], dims[1], dims[2]))
	}
	return c, nil
}

// parseDims reads "224,224,3" (or "224x224x3"); "-1" or "None" is a size left open.
func parseDims(s string) ([]int, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == 'x' || r == ' ' })
	if len(parts) != 3 {
		return nil, fmt.Errorf("input shape %q: want height,width,channels", s)
	}
	dims := make([]int, 3)
	for i, p := range parts {
		if p == "None" {
			dims[i] = -1
			continue
		}
		d, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("input shape %q: %v", s, err)
		}
		dims[i] = d
	}
	return dims, nil
}

// runSummary is tide summary.
func runSummary(args []string, stdout, stderr io.Writer) int {
	c, err := parseSummary(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "tide summary:", err)
		return 2
	}
	model, err := applications.New(c.model, c.opts...)
	if err != nil {
		fmt.Fprintln(stderr, "tide summary:", err)
		return 1
	}
	var opts []models.SummaryOption
	if c.lineLength > 0 {
		opts = append(opts, models.LineLength(c.lineLength))
	}
	if c.trainable {
		opts = append(opts, models.ShowTrainable())
	}
	if err := model.Summary(stdout, opts...); err != nil {
		fmt.Fprintln(stderr, "tide summary:", err)
		return 1
	}
	return 0
}
