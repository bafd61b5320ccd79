package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestDemoLossFalls(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"demo", "-steps", "60", "-every", "20"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "step   60  loss") || !strings.Contains(out.String(), "loss fell from") {
		t.Fatalf("unexpected output:\n%s", out.String())
	}
}

func TestOpsListing(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"ops"}, &out, &out); code != 0 {
		t.Fatal(out.String())
	}
	for _, want := range []string{"matmul", "reduce_sum", "compare", "float32", "yes", "no"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("listing lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBadCommand(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"nope"}, &out, &out); code != 2 || !strings.Contains(out.String(), `unknown command "nope"`) {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if code := run([]string{"demo", "-steps", "0"}, &out, &out); code != 1 {
		t.Fatalf("demo with zero steps: exit %d", code)
	}
}
