// Tabular fits a small neural network to a real tabular regression data set — the diabetes
// data of Efron et al. (442 patients, ten baseline variables, disease progression a year later;
// testdata/README.md says where it comes from) — and compares its error on held-out patients
// with a baseline that always predicts the training mean.
//
// The CSV file is read with the data package's CSV source (named columns, parsed to float32).
// The features go through a Normalization layer adapted on the training split (each feature's
// mean and variance), then a small MLP; a second Normalization, adapted on the training
// targets with WithInvert(true), maps the network's output back to the targets' scale, so that
// the network itself works on standardised numbers. Training stops when the loss on a
// validation part of the training split stops improving (EarlyStopping, restoring the best
// weights). It reports the mean absolute error (MAE) on the held-out split.
//
// Run it from the repository's root with
//
//	go run ./examples/tabular
//	go run ./examples/tabular -epochs 200 -units 64 -csv path/to/diabetes.csv
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"github.com/tideml/tide/data"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// features are the CSV's input columns; target the column to predict.
var (
	features = []string{"age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"}
	target   = "progression"
)

// config holds the data's path and split, the model's size and the training.
type config struct {
	csv           string
	testFrac      float64
	units         int
	batch, epochs int
	patience      int
	lr            float64
	seed          uint64
	eager         bool
	verbose       int
}

// result is what a run measured on the held-out split.
type result struct {
	mae, baselineMAE float64
	train, test      int
}

func main() {
	var c config
	flag.StringVar(&c.csv, "csv", "examples/tabular/testdata/diabetes.csv", "the diabetes CSV file")
	flag.Float64Var(&c.testFrac, "test", 0.2, "fraction of the rows held out")
	flag.IntVar(&c.units, "units", 32, "hidden units")
	flag.IntVar(&c.batch, "batch", 32, "batch size")
	flag.IntVar(&c.epochs, "epochs", 300, "most epochs")
	flag.IntVar(&c.patience, "patience", 20, "epochs without a better validation loss before stopping")
	flag.Float64Var(&c.lr, "lr", 1e-3, "Adam learning rate")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the split")
	flag.BoolVar(&c.eager, "eager", false, "run the train steps op by op instead of compiled")
	flag.IntVar(&c.verbose, "verbose", 0, "Fit's progress output: 0 silent, 1 a bar, 2 a line per epoch")
	flag.Parse()
	if _, err := run(context.Background(), c, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run loads and splits the data, fits the model and compares it with the mean baseline.
func run(ctx context.Context, c config, w io.Writer) (result, error) {
	x, y, err := load(ctx, c.csv)
	if err != nil {
		return result{}, err
	}
	xTrain, yTrain, xTest, yTest := split(x, y, c.testFrac, c.seed)
	r := result{train: xTrain.Dim(0), test: xTest.Dim(0)}
	fmt.Fprintf(w, "%s: %d rows of %d features; %d for training, %d held out\n", c.csv, x.Dim(0), x.Dim(1), r.train, r.test)

	norm := nn.Normalization(nn.WithName("standardize"))
	if err := norm.Adapt(xTrain); err != nil {
		return r, err
	}
	unscale := nn.Normalization(nn.WithInvert(true), nn.WithName("unstandardize"))
	if err := unscale.Adapt(yTrain); err != nil {
		return r, err
	}
	model := models.Sequential(
		models.Input(len(features)),
		norm,
		nn.Dense(c.units, nn.WithActivation("relu")),
		nn.Dense(c.units, nn.WithActivation("relu")),
		nn.Dense(1),
		unscale,
	)
	if err := model.Summary(w); err != nil {
		return r, err
	}
	opts := []models.CompileOption{models.Metrics("mae")}
	if c.eager {
		opts = append(opts, models.Eager())
	}
	if err := model.Compile(optim.Adam(optim.LearningRate(c.lr)), losses.MeanSquaredError(), opts...); err != nil {
		return r, err
	}
	// Keep the last 20% of the training rows to stop training when their loss stops improving,
	// and restore the weights of the best epoch.
	stop := models.EarlyStopping(models.Patience(c.patience), models.RestoreBestWeights())
	hist, err := model.Fit(ctx, models.Arrays(xTrain, yTrain), models.Epochs(c.epochs), models.BatchSize(c.batch),
		models.ValidationSplit(0.2), models.Callbacks(stop), models.Seed(c.seed), models.Verbose(c.verbose))
	if err != nil {
		return r, err
	}
	best := slices.Index(hist.History["val_loss"], slices.Min(hist.History["val_loss"]))
	logs, err := model.Evaluate(ctx, models.Arrays(xTest, yTest), models.Verbose(0))
	if err != nil {
		return r, err
	}
	r.mae = logs["mae"]
	r.baselineMAE = meanBaselineMAE(yTrain, yTest)
	fmt.Fprintf(w, "stopped after %d epochs; the best, epoch %d: training MAE %.2f, validation MAE %.2f\n",
		len(hist.Epoch), best+1, hist.History["mae"][best], hist.History["val_mae"][best])
	fmt.Fprintf(w, "held-out MAE %.2f; predicting the training mean: %.2f (%.0f%% lower)\n",
		r.mae, r.baselineMAE, 100*(1-r.mae/r.baselineMAE))
	return r, nil
}

// load reads the CSV file into features [n, 10] and targets [n, 1].
func load(ctx context.Context, path string) (x, y *tensor.Tensor, err error) {
	cols := make([]data.Column, 0, len(features)+1)
	for _, name := range append(append([]string{}, features...), target) {
		cols = append(cols, data.Column{Name: name, DType: dtype.Float32})
	}
	rows, err := data.CSV([]string{path}, cols).Collect(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		return nil, nil, fmt.Errorf("tabular: %s has no rows", path)
	}
	xs := make([]float32, 0, len(rows)*len(features))
	ys := make([]float32, 0, len(rows))
	for _, e := range rows {
		for _, name := range features {
			xs = append(xs, float32(e.Get(name).Item()))
		}
		ys = append(ys, float32(e.Get(target).Item()))
	}
	return tensor.FromSlice(xs, len(rows), len(features)), tensor.FromSlice(ys, len(rows), 1), nil
}

// split shuffles the rows with seed and holds out the fraction testFrac of them.
func split(x, y *tensor.Tensor, testFrac float64, seed uint64) (xTrain, yTrain, xTest, yTest *tensor.Tensor) {
	n, d := x.Dim(0), x.Dim(1)
	perm := rand.New(rand.NewPCG(seed, 0)).Perm(n)
	nTest := int(math.Round(testFrac * float64(n)))
	xs, ys := x.Float32s(), y.Float32s()
	take := func(idx []int) (*tensor.Tensor, *tensor.Tensor) {
		xo, yo := make([]float32, 0, len(idx)*d), make([]float32, 0, len(idx))
		for _, i := range idx {
			xo, yo = append(xo, xs[i*d:(i+1)*d]...), append(yo, ys[i])
		}
		return tensor.FromSlice(xo, len(idx), d), tensor.FromSlice(yo, len(idx), 1)
	}
	xTest, yTest = take(perm[:nTest])
	xTrain, yTrain = take(perm[nTest:])
	return xTrain, yTrain, xTest, yTest
}

// meanBaselineMAE is the held-out MAE of always predicting the training targets' mean.
func meanBaselineMAE(yTrain, yTest *tensor.Tensor) float64 {
	var mean float64
	for _, v := range yTrain.Float64s() {
		mean += v
	}
	mean /= float64(yTrain.Size())
	var mae float64
	for _, v := range yTest.Float64s() {
		mae += math.Abs(v - mean)
	}
	return mae / float64(yTest.Size())
}
