// Seq2seq trains a sequence-to-sequence translator with attention on a toy parallel corpus and
// reports how well it translates sentences it has not seen.
//
// The corpus is generated: "English" sentences of a few words over a 20-word vocabulary, and
// their "translations" — the words in reverse order, each mapped through a fixed dictionary
// ("the big dog sees a cat" → "chat un voit chien grand le"). The model is the classic
// encoder–decoder of the Keras examples, built with the Functional API:
//
//   - the encoder embeds the source and runs an LSTM (or GRU) over it, returning every step's
//     output and its final state;
//   - the decoder embeds the target sentence shifted right by a start token (teacher forcing:
//     during training it reads the true previous word) and runs an LSTM (or GRU) that starts
//     from the encoder's final state;
//   - an Attention (Luong, dot product) or AdditiveAttention (Bahdanau) layer lets every decoder
//     step look at the encoder's outputs; its context vector, concatenated with the decoder's
//     output, goes through Dense layers to the next word's logits.
//
// After training, held-out sentences are translated by greedy decoding — feed the start token,
// take the most likely word, feed it back, until the end token — and the token accuracy (of
// the reference's words and end token, position by position) and sequence accuracy (exact
// translations) are printed.
//
// Run it with
//
//	go run ./examples/seq2seq -epochs 30
//	go run ./examples/seq2seq -attention additive -rnn gru
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// config holds the sizes of the corpus, the model and the training.
type config struct {
	train, test    int // sentence pairs
	minLen, maxLen int // source words per sentence
	embed, units   int
	rnn            string // "lstm" or "gru"
	attention      string // "dot" or "additive"
	batch, epochs  int
	lr             float64
	seed           uint64
	eager          bool
	verbose        int
	examples       int // translations to print
}

// result is what a run measured on the held-out pairs.
type result struct {
	tokenAcc, seqAcc float64
	loss             float64 // training loss of the last epoch
}

func main() {
	var c config
	flag.IntVar(&c.train, "train", 4000, "training sentence pairs")
	flag.IntVar(&c.test, "test", 500, "held-out sentence pairs")
	flag.IntVar(&c.minLen, "min-len", 3, "fewest words in a sentence")
	flag.IntVar(&c.maxLen, "max-len", 6, "most words in a sentence")
	flag.IntVar(&c.embed, "embed", 32, "embedding size")
	flag.IntVar(&c.units, "units", 64, "recurrent units")
	flag.StringVar(&c.rnn, "rnn", "lstm", `recurrent layer: "lstm" or "gru"`)
	flag.StringVar(&c.attention, "attention", "dot", `attention: "dot" (Attention) or "additive" (AdditiveAttention)`)
	flag.IntVar(&c.batch, "batch", 64, "batch size")
	flag.IntVar(&c.epochs, "epochs", 10, "epochs")
	flag.Float64Var(&c.lr, "lr", 3e-3, "Adam learning rate")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the corpus")
	flag.BoolVar(&c.eager, "eager", false, "run the train steps op by op instead of compiled")
	flag.IntVar(&c.verbose, "verbose", 2, "Fit's progress output: 0 silent, 1 a bar, 2 a line per epoch")
	flag.IntVar(&c.examples, "show", 5, "held-out translations to print")
	flag.Parse()
	if _, err := run(context.Background(), c, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run generates the corpus, trains the translator and evaluates it on the held-out pairs.
func run(ctx context.Context, c config, w io.Writer) (result, error) {
	if c.minLen < 1 || c.maxLen < c.minLen {
		return result{}, fmt.Errorf("seq2seq: bad sentence lengths %d..%d", c.minLen, c.maxLen)
	}
	co := newCorpus()
	rng := rand.New(rand.NewPCG(c.seed, 0))
	pairs := co.sample(rng, c.train+c.test, c.minLen, c.maxLen)
	train, test := pairs[:c.train], pairs[c.train:]

	model, err := build(c, co.src.size(), co.tgt.size())
	if err != nil {
		return result{}, err
	}
	if err := model.Summary(w, models.LineLength(108)); err != nil {
		return result{}, err
	}
	var opts []models.CompileOption
	if c.eager {
		opts = append(opts, models.Eager())
	}
	err = model.Compile(optim.Adam(optim.LearningRate(c.lr)),
		losses.SparseCategoricalCrossentropy(losses.FromLogits()), opts...)
	if err != nil {
		return result{}, err
	}

	srcLen, tgtLen := c.maxLen, c.maxLen+1
	src, decIn, decOut := co.encode(train, srcLen)
	n := len(train)
	fmt.Fprintf(w, "training on %d pairs, testing on %d held-out pairs\n", n, len(test))
	hist, err := model.Fit(ctx, models.Arrays(tensor.FromSlice(src, n, srcLen), tensor.FromSlice(decIn, n, tgtLen),
		tensor.FromSlice(decOut, n, tgtLen)), models.Epochs(c.epochs), models.BatchSize(c.batch),
		models.Seed(c.seed), models.Verbose(c.verbose))
	if err != nil {
		return result{}, err
	}
	var r result
	r.loss, _ = hist.Last("loss")

	preds, err := greedyDecode(model, co, test, srcLen)
	if err != nil {
		return result{}, err
	}
	r.tokenAcc, r.seqAcc = score(co, test, preds)
	for i := range min(c.examples, len(test)) {
		fmt.Fprintf(w, "  %-40s → %s\n", strings.Join(test[i].src, " "), strings.Join(words(co, preds[i]), " "))
	}
	fmt.Fprintf(w, "held-out token accuracy %.4f, sequence accuracy %.4f (%d pairs)\n", r.tokenAcc, r.seqAcc, len(test))
	return r, nil
}

// build returns the encoder–decoder with attention: inputs the source ids [batch, srcLen] and
// the decoder's input ids [batch, tgtLen]; output the logits of the target words
// [batch, tgtLen, tgtVocab].
func build(c config, srcVocab, tgtVocab int) (*models.Model, error) {
	rnn := func(name string, opts ...nn.Option) *nn.RNNLayer {
		opts = append(opts, nn.WithName(name))
		if c.rnn == "gru" {
			return nn.GRU(c.units, opts...)
		}
		return nn.LSTM(c.units, opts...)
	}
	var attention nn.Layer
	switch c.attention {
	case "dot":
		attention = nn.Attention()
	case "additive":
		attention = nn.AdditiveAttention()
	default:
		return nil, fmt.Errorf("seq2seq: unknown -attention %q (want dot or additive)", c.attention)
	}
	if c.rnn != "lstm" && c.rnn != "gru" {
		return nil, fmt.Errorf("seq2seq: unknown -rnn %q (want lstm or gru)", c.rnn)
	}

	source := models.InputWith([]int{c.maxLen}, nn.WithName("source"), nn.WithDType(dtype.Int32))
	srcEmb := models.Apply(nn.Embedding(srcVocab, c.embed, nn.WithMaskZero(true), nn.WithName("source_embedding")), source)
	// A functional model does not carry Embedding's mask to the next layer by itself: the
	// encoder gets it as its second input, so that padding leaves its state alone.
	srcMask := models.Apply(nn.Lambda(notPadding, nn.WithName("source_mask")), source)
	enc := models.Call(rnn("encoder", nn.WithReturnSequences(true), nn.WithReturnState(true)), srcEmb, srcMask)
	encOut, encState := enc[0], enc[1:] // [batch, srcLen, units]; h (and c)

	decoderIn := models.InputWith([]int{c.maxLen + 1}, nn.WithName("decoder_input"), nn.WithDType(dtype.Int32))
	tgtEmb := models.Apply(nn.Embedding(tgtVocab, c.embed, nn.WithName("target_embedding")), decoderIn)
	decOut := models.Apply(rnn("decoder", nn.WithReturnSequences(true)), append([]*models.Symbolic{tgtEmb}, encState...)...)

	context := models.Apply(attention, decOut, encOut) // query: decoder steps; value: encoder steps
	x := models.Apply(nn.Concatenate(), decOut, context)
	x = models.Apply(nn.Dense(c.units, nn.WithActivation("tanh")), x)
	logits := models.Apply(nn.Dense(tgtVocab, nn.WithName("next_word")), x)
	return models.Functional([]*models.Symbolic{source, decoderIn}, []*models.Symbolic{logits}, models.WithName("translator"))
}

func notPadding(ids *tensor.Tensor) *tensor.Tensor { return ops.NotEqual(ids, ops.ZerosLike(ids)) }

// greedyDecode translates the sources of pairs one word at a time: the decoder's input starts
// as the start token; at step t the model's most likely word at position t becomes the input
// at t+1. The decoder and the attention only look back, so the words after t do not change
// the prediction at t, and the whole batch is run again at each step. It returns each
// translation's target ids up to (without) the end token.
func greedyDecode(m *models.Model, co *corpus, pairs []pair, srcLen int) ([][]int32, error) {
	n, tgtLen := len(pairs), srcLen+1
	src, _, _ := co.encode(pairs, srcLen)
	dec := make([]int32, n*tgtLen)
	for i := range n {
		dec[i*tgtLen] = startID
	}
	out := make([][]int32, n)
	done := make([]bool, n)
	srcT := tensor.FromSlice(src, n, srcLen)
	for t := range tgtLen {
		res, err := m.PredictOnBatch(srcT, tensor.FromSlice(dec, n, tgtLen))
		if err != nil {
			return nil, err
		}
		next := ops.Argmax(ops.SliceAxis(res[0], 1, t, t+1, 1), -1).Int64s() // [n, 1]
		for i := range n {
			id := int32(next[i])
			if done[i] || id == endID {
				done[i] = true
				continue
			}
			out[i] = append(out[i], id)
			if t+1 < tgtLen {
				dec[i*tgtLen+t+1] = id
			}
		}
	}
	return out, nil
}

// score returns the token accuracy — over the reference's words and end token, the fraction
// the prediction has at the same position — and the fraction of exact translations.
func score(co *corpus, pairs []pair, preds [][]int32) (tokenAcc, seqAcc float64) {
	var right, total, exact int
	for i, p := range pairs {
		ref := make([]int32, 0, len(p.tgt)+1)
		for _, w := range p.tgt {
			ref = append(ref, co.tgt.ids[w])
		}
		ref = append(ref, endID)
		pred := append(append([]int32{}, preds[i]...), endID)
		same := len(pred) == len(ref)
		for j, id := range ref {
			if j < len(pred) && pred[j] == id {
				right++
			} else {
				same = false
			}
		}
		total += len(ref)
		if same {
			exact++
		}
	}
	return float64(right) / float64(total), float64(exact) / float64(len(pairs))
}

// words returns the target words of ids.
func words(co *corpus, ids []int32) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = co.tgt.words[id]
	}
	return out
}
