// Textclassifier trains a sentiment classifier on raw text: a TextVectorization layer adapted
// on the training sentences turns them into token ids; an Embedding, a Bidirectional LSTM and a
// Dense layer classify them as positive or negative. It prints the model's summary, the
// training progress and the accuracy on held-out sentences.
//
// The corpus is generated: short reviews ("Honestly the plot was not really good.") whose
// sentiment is carried by one adjective, flipped by a "not" in a quarter of them — so word order
// matters, as for real text.
//
// Text stays in Go: TextVectorization standardises, splits and looks up the words in the input
// pipeline (Indices), and the layer also sits at the head of the model, taking the ids, as
// Keras's TextVectorization would take the strings.
//
// Run it with
//
//	go run ./examples/textclassifier
//	go run ./examples/textclassifier -train 1000 -epochs 3 -units 8
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"

	"github.com/tideml/tide/data"
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
	train, test   int
	maxTokens     int // vocabulary size, padding and [UNK] included
	seqLen        int // tokens per sentence (padded or truncated)
	embed, units  int
	batch, epochs int
	lr            float64
	seed          uint64
	eager         bool
	verbose       int
}

// result is what a run measured.
type result struct {
	trainAcc, testAcc float64
	vocabulary        int
}

func main() {
	var c config
	flag.IntVar(&c.train, "train", 4000, "training sentences")
	flag.IntVar(&c.test, "test", 1000, "held-out sentences")
	flag.IntVar(&c.maxTokens, "max-tokens", 200, "largest vocabulary, padding and [UNK] included")
	flag.IntVar(&c.seqLen, "seq-len", 16, "tokens per sentence")
	flag.IntVar(&c.embed, "embed", 16, "embedding size")
	flag.IntVar(&c.units, "units", 16, "LSTM units per direction")
	flag.IntVar(&c.batch, "batch", 32, "batch size")
	flag.IntVar(&c.epochs, "epochs", 3, "epochs")
	flag.Float64Var(&c.lr, "lr", 5e-3, "Adam learning rate")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the corpus")
	flag.BoolVar(&c.eager, "eager", false, "run the train steps op by op instead of compiled")
	flag.IntVar(&c.verbose, "verbose", 2, "Fit's progress output: 0 silent, 1 a bar, 2 a line per epoch")
	flag.Parse()
	if _, err := run(context.Background(), c, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run generates the corpus, adapts the vectorizer, trains the classifier and evaluates it.
func run(ctx context.Context, c config, w io.Writer) (result, error) {
	rng := newRand(c.seed)
	train, test := reviews(rng, c.train), reviews(rng, c.test)

	vectorize := nn.TextVectorization(nn.WithMaxTokens(c.maxTokens), nn.WithOutputSequenceLength(c.seqLen))
	vectorize.Adapt(texts(train)) // the vocabulary of the training sentences only
	r := result{vocabulary: vectorize.VocabularySize()}
	fmt.Fprintf(w, "vocabulary: %d tokens, the most frequent %q\n", r.vocabulary, vectorize.Vocabulary()[:min(8, r.vocabulary)])
	fmt.Fprintf(w, "%q → %v\n", train[0].text, vectorize.Indices(texts(train[:1])).Int64s())

	model, err := build(c, vectorize)
	if err != nil {
		return r, err
	}
	if err := model.Summary(w, models.LineLength(108)); err != nil {
		return r, err
	}
	opts := []models.CompileOption{models.Metrics("accuracy")}
	if c.eager {
		opts = append(opts, models.Eager())
	}
	err = model.Compile(optim.Adam(optim.LearningRate(c.lr)), losses.BinaryCrossentropy(losses.FromLogits()), opts...)
	if err != nil {
		return r, err
	}
	trainDS, testDS := dataset(vectorize, train), dataset(vectorize, test)
	hist, err := model.Fit(ctx, trainDS, models.Epochs(c.epochs), models.BatchSize(c.batch), models.Seed(c.seed),
		models.Verbose(c.verbose))
	if err != nil {
		return r, err
	}
	r.trainAcc, _ = hist.Last("accuracy")
	logs, err := model.Evaluate(ctx, testDS, models.BatchSize(256), models.Verbose(0))
	if err != nil {
		return r, err
	}
	r.testAcc = logs["accuracy"]
	fmt.Fprintf(w, "held-out accuracy %.4f (loss %.4f, %d sentences)\n", r.testAcc, logs["loss"], len(test))

	samples := []string{"The ending was truly wonderful!", "this book is not good", "honestly the cast was not boring at all"}
	probs, err := model.PredictOnBatch(vectorize.Indices(samples))
	if err != nil {
		return r, err
	}
	for i, p := range ops.Sigmoid(probs[0]).Float64s() {
		fmt.Fprintf(w, "  %-45q positive with probability %.3f\n", samples[i], p)
	}
	return r, nil
}

// build returns the classifier: token ids [batch, seqLen] → TextVectorization (ids pass
// through) → Embedding → Bidirectional LSTM → Dense(1) logit.
func build(c config, vectorize *nn.TextVectorizationLayer) (*models.Model, error) {
	ids := models.InputWith([]int{c.seqLen}, nn.WithName("text"), nn.WithDType(dtype.Int64))
	tokens := models.Apply(vectorize, ids)
	embedded := models.Apply(nn.Embedding(vectorize.VocabularySize(), c.embed, nn.WithMaskZero(true)), tokens)
	// A functional model does not carry Embedding's mask to the next layer by itself: the
	// recurrent layer gets it as its second input, so that padding is skipped in both directions.
	mask := models.Apply(nn.Lambda(func(x *tensor.Tensor) *tensor.Tensor {
		return ops.NotEqual(x, ops.ZerosLike(x))
	}, nn.WithName("padding_mask")), tokens)
	x := models.Apply(nn.Bidirectional(nn.LSTM(c.units)), embedded, mask)
	x = models.Apply(nn.Dense(c.units, nn.WithActivation("relu")), x)
	logit := models.Apply(nn.Dense(1, nn.WithName("positive")), x)
	return models.Functional([]*models.Symbolic{ids}, []*models.Symbolic{logit}, models.WithName("sentiment"))
}

// dataset returns the token ids [n, seqLen] and labels [n, 1] of reviews, as single examples
// that Fit shuffles and batches.
func dataset(vectorize *nn.TextVectorizationLayer, rs []review) *data.Dataset {
	labels := make([]float32, len(rs))
	for i, r := range rs {
		labels[i] = r.label
	}
	return models.Arrays(vectorize.Indices(texts(rs)), tensor.FromSlice(labels, len(rs), 1))
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }

func texts(rs []review) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.text
	}
	return out
}
