package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// small is a setting that learns in seconds: 1000 pairs, 10 epochs.
func small() config {
	return config{train: 1000, test: 200, minLen: 3, maxLen: 6, embed: 16, units: 32, rnn: "lstm",
		attention: "dot", batch: 32, epochs: 10, lr: 1e-2, seed: 1, examples: 3}
}

// TestTranslatorLearns checks that greedy decoding of held-out sentences gets most words right
// (an untrained model gets about one word in 23 right).
func TestTranslatorLearns(t *testing.T) {
	var out bytes.Buffer
	r, err := run(context.Background(), small(), &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if r.tokenAcc < 0.9 || r.seqAcc < 0.6 {
		t.Errorf("held-out token accuracy %.4f, sequence accuracy %.4f: want at least 0.9 and 0.6", r.tokenAcc, r.seqAcc)
	}
	for _, want := range []string{`Model: "translator"`, "Connected to", "(Attention)", "encoder[0][1]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestAdditiveGRU runs the other attention and recurrent layer briefly.
func TestAdditiveGRU(t *testing.T) {
	c := small()
	c.rnn, c.attention, c.train, c.test, c.epochs = "gru", "additive", 300, 50, 2
	var out bytes.Buffer
	r, err := run(context.Background(), c, &out)
	if err != nil {
		t.Log("\n" + out.String())
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "(AdditiveAttention)") || !strings.Contains(out.String(), "(GRU)") {
		t.Errorf("summary lacks the AdditiveAttention or GRU layer:\n%s", out.String())
	}
	if r.tokenAcc < 0 || r.tokenAcc > 1 || r.seqAcc > r.tokenAcc {
		t.Errorf("token accuracy %.4f, sequence accuracy %.4f", r.tokenAcc, r.seqAcc)
	}
}

// TestScore checks the accuracies on hand-made translations.
func TestScore(t *testing.T) {
	co := newCorpus()
	pairs := []pair{{src: []string{"the", "cat"}}, {src: []string{"a", "dog", "eats"}}}
	for i := range pairs {
		pairs[i].tgt = co.reference(pairs[i].src)
	}
	if got := strings.Join(pairs[1].tgt, " "); got != "mange chien un" {
		t.Fatalf("reference %q, want %q", got, "mange chien un")
	}
	ids := func(ws ...string) []int32 {
		var out []int32
		for _, w := range ws {
			out = append(out, co.tgt.ids[w])
		}
		return out
	}
	// Exact; then right but for the last word (and too long: the end token is missed too).
	preds := [][]int32{ids("chat", "le"), ids("mange", "chien", "le", "le")}
	tok, seq := score(co, pairs, preds)
	if want := 5.0 / 7; tok != want || seq != 0.5 {
		t.Errorf("score = %v, %v; want %v, 0.5", tok, seq, want)
	}
}
