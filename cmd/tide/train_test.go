package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// The quickstart on a tiny subset: the summary, the epoch's line with the accuracy metric (the
// "accuracy" of Compile, resolved to sparse categorical accuracy), then exactly one final line
// with the test accuracy and loss.
func TestTrainQuickstartTiny(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"train", "mnist", "-train-size", "128", "-batch-size", "64", "-test-size", "128", "-epochs", "1", "-v", "2"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	if !strings.HasPrefix(s, "Model: \"sequential\"\n") || !strings.Contains(s, " Total params: 34,826 (136.04 KB)\n") {
		t.Errorf("no summary:\n%s", s)
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	last := lines[len(lines)-1]
	if !regexp.MustCompile(`^test accuracy: [01]\.\d{4}, test loss: \d+\.\d{4}$`).MatchString(last) {
		t.Errorf("last line %q", last)
	}
	if !regexp.MustCompile(`(?m)^2/2 - \d+s - \d+m?s/step - accuracy: [01]\.\d{4} - loss: \d+\.\d{4}$`).MatchString(s) {
		t.Errorf("no epoch line with the accuracy:\n%s", s)
	}
	if strings.Count(s, "test accuracy:") != 1 {
		t.Errorf("output:\n%s", s)
	}
}

func TestTrainFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"train"}, &out, &errb); code != 2 {
		t.Errorf("no dataset: exit %d", code)
	}
	if code := run([]string{"train", "cifar"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), `unknown dataset "cifar"`) {
		t.Errorf("unknown dataset: exit %d, %s", code, errb.String())
	}
	c, err := parseTrain([]string{"-epochs", "2", "-eager", "mnist"}, &errb)
	if err != nil || c.dataset != "mnist" || c.epochs != 2 || !c.eager || c.batchSize != 128 {
		t.Errorf("%+v %v", c, err)
	}
}
