package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// The summaries end with Keras's totals for the same models.
func TestSummary(t *testing.T) {
	cases := []struct {
		args []string
		want []string // the first line, then the last three
	}{
		{[]string{"mobilenetv2"}, []string{`Model: "mobilenetv2_1.00_224"`,
			" Total params: 3,538,984 (13.50 MB)",
			" Trainable params: 3,504,872 (13.37 MB)",
			" Non-trainable params: 34,112 (133.25 KB)"}},
		{[]string{"inceptionv3", "-include-top=false", "-input-shape", "75,75,3"}, []string{`Model: "inception_v3"`,
			" Total params: 21,802,784 (83.17 MB)",
			" Trainable params: 21,768,352 (83.04 MB)",
			" Non-trainable params: 34,432 (134.50 KB)"}},
		{[]string{"-include-top=false", "-input-shape", "32x32x3", "-pooling", "avg", "resnet50"}, []string{`Model: "resnet50"`,
			" Total params: 23,587,712 (89.98 MB)",
			" Trainable params: 23,534,592 (89.78 MB)",
			" Non-trainable params: 53,120 (207.50 KB)"}},
		{[]string{"vgg16", "-include-top=false", "-input-shape", "32,32,3", "-line-length", "100", "-show-trainable"}, []string{`Model: "vgg16"`,
			" Total params: 14,714,688 (56.13 MB)",
			" Trainable params: 14,714,688 (56.13 MB)",
			" Non-trainable params: 0 (0.00 B)"}},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		if code := run(append([]string{"summary"}, c.args...), &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errb.String())
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if got := append(lines[:1:1], lines[len(lines)-3:]...); !slices.Equal(got, c.want) {
			t.Errorf("%v:\n%s\nwant\n%s", c.args, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
}

func TestSummaryFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"summary"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "vgg16") {
		t.Errorf("no model: exit %d, %s", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"summary", "alexnet"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), `unknown model "alexnet"`) {
		t.Errorf("unknown model: exit %d, %s", code, errb.String())
	}
	if code := run([]string{"summary", "vgg16", "-input-shape", "32,32"}, &out, &errb); code != 2 {
		t.Errorf("bad input shape: exit %d", code)
	}
	errb.Reset()
	if code := run([]string{"summary", "vgg16", "-alpha", "0.5"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "alpha") {
		t.Errorf("alpha on VGG16: exit %d, %s", code, errb.String())
	}
	if code := run([]string{"summary", "-h"}, &out, &errb); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
	c, err := parseSummary([]string{"-alpha", "0.35", "-input-shape", "None,None,3", "mobilenet_v2"}, &errb)
	if err != nil || c.model != "mobilenet_v2" || len(c.opts) != 7 {
		t.Errorf("%+v %v", c, err)
	}
}
