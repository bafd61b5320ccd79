package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestClassifierLearns trains on 1000 sentences for 3 epochs and checks the held-out accuracy.
func TestClassifierLearns(t *testing.T) {
	c := config{train: 1000, test: 500, maxTokens: 200, seqLen: 16, embed: 16, units: 16, batch: 32, epochs: 3,
		lr: 5e-3, seed: 1}
	var out bytes.Buffer
	r, err := run(context.Background(), c, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if r.testAcc <= 0.9 {
		t.Errorf("held-out accuracy %.4f, want > 0.9", r.testAcc)
	}
	for _, want := range []string{"(TextVectorization)", "(Bidirectional)", "(None, 16, 16)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestNegationNeedsOrder checks that the corpus cannot be solved by the adjective alone: about
// a quarter of the reviews have a "not" that flips the adjective's sentiment.
func TestNegationNeedsOrder(t *testing.T) {
	rs := reviews(newRand(3), 2000)
	flipped := 0
	for _, r := range rs {
		positiveWord := false
		for _, w := range strings.Fields(strings.ToLower(strings.Trim(r.text, ".!"))) {
			for _, p := range positive {
				positiveWord = positiveWord || w == p
			}
		}
		if positiveWord != (r.label == 1) {
			flipped++
			if !strings.Contains(r.text, " not ") {
				t.Fatalf("%q labelled %v without a negation", r.text, r.label)
			}
		}
	}
	if f := float64(flipped) / float64(len(rs)); f < 0.2 || f > 0.3 {
		t.Errorf("%.3f of the reviews are negated, want about 0.25", f)
	}
}
