package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/tideml/tide/data"
	"github.com/tideml/tide/datasets"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// trainConfig holds the flags of tide train.
type trainConfig struct {
	dataset   string
	epochs    int
	batchSize int
	trainSize int
	testSize  int
	lr        float64
	seed      uint64
	eager     bool
	verbose   int
	ckptDir   string
	dataDir   string
}

func parseTrain(args []string, stderr io.Writer) (*trainConfig, error) {
	c := &trainConfig{}
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tide train [flags] mnist|fashion-mnist\n\nTrains Keras's mnist_convnet and reports its accuracy on the 10,000 test images.\n\nflags:")
		fs.PrintDefaults()
	}
	fs.IntVar(&c.epochs, "epochs", 15, "epochs to train")
	fs.IntVar(&c.batchSize, "batch-size", 128, "batch size")
	fs.IntVar(&c.trainSize, "train-size", 0, "train on the first n training images only (0: all 60,000)")
	fs.IntVar(&c.testSize, "test-size", 0, "evaluate on the first n test images only (0: all 10,000)")
	fs.Float64Var(&c.lr, "lr", 1e-3, "Adam's learning rate")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the shuffling")
	fs.BoolVar(&c.eager, "eager", false, "run the steps eagerly instead of compiled")
	fs.IntVar(&c.verbose, "v", -1, "progress: 0 none, 1 progress bar, 2 a line per epoch (default: 1 on a terminal, else 0)")
	fs.StringVar(&c.ckptDir, "checkpoint-dir", "", "back up every epoch to this directory and resume from it")
	fs.StringVar(&c.dataDir, "data-dir", "", "directory of the fashion-mnist files (default "+datasets.FashionMNISTDir+")")
	// The dataset may come before the flags: tide train mnist -epochs 1.
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		c.dataset, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if c.dataset == "" && fs.NArg() > 0 {
		c.dataset = fs.Arg(0)
	}
	if c.dataset == "" {
		fs.Usage()
		return nil, errors.New("name a dataset")
	}
	if c.epochs < 1 || c.batchSize < 1 || c.trainSize < 0 || c.testSize < 0 {
		return nil, errors.New("epochs and batch size must be positive, sizes >= 0")
	}
	return c, nil
}

// runTrain is tide train.
func runTrain(args []string, stdout, stderr io.Writer) int {
	c, err := parseTrain(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "tide train:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := train(ctx, c, stdout); err != nil {
		fmt.Fprintln(stderr, "tide train:", err)
		return 1
	}
	return 0
}

// convnet is Keras's mnist_convnet example with logits out (the softmax is in the loss).
func convnet() *models.Model {
	return models.Sequential(
		models.Input(28, 28, 1),
		nn.Conv2D(32, 3, nn.WithActivation("relu")),
		nn.MaxPooling2D(2),
		nn.Conv2D(64, 3, nn.WithActivation("relu")),
		nn.MaxPooling2D(2),
		nn.Flatten(),
		nn.Dropout(0.5),
		nn.Dense(10),
	)
}

func train(ctx context.Context, c *trainConfig, stdout io.Writer) error {
	var a *datasets.Arrays
	var err error
	switch c.dataset {
	case "mnist":
		a, err = datasets.LoadMNIST()
	case "fashion-mnist", "fashion_mnist", "fashion":
		a, err = datasets.LoadFashionMNIST(c.dataDir)
	default:
		return fmt.Errorf("unknown dataset %q (mnist, fashion-mnist)", c.dataset)
	}
	if err != nil {
		return err
	}
	trainImg, trainLab := head(a.TrainImages, c.trainSize), head(a.TrainLabels, c.trainSize)
	testImg, testLab := head(a.TestImages, c.testSize), head(a.TestLabels, c.testSize)
	n := trainImg.Dim(0)
	// Shuffle the uint8 examples, batch them, then scale each batch to float32 on another
	// goroutine while the model trains on the previous one.
	trainDS := data.FromTensorSlices(trainImg, trainLab).
		Shuffle(n, c.seed).
		Batch(c.batchSize).
		Map(datasets.ScaleImages).
		Prefetch(2)
	testDS := data.FromTensorSlices(testImg, testLab).Batch(256).Map(datasets.ScaleImages).Prefetch(2)

	model := convnet()
	if err := model.Summary(stdout); err != nil {
		return err
	}
	// "accuracy" is sparse categorical accuracy here, chosen from the loss as Keras does.
	opts := []models.CompileOption{models.Metrics("accuracy")}
	if c.eager {
		opts = append(opts, models.Eager())
	}
	loss := losses.SparseCategoricalCrossentropy(losses.FromLogits())
	if err := model.Compile(optim.Adam(optim.LearningRate(c.lr)), loss, opts...); err != nil {
		return err
	}
	fitOpts := []models.FitOption{models.Epochs(c.epochs)}
	evalOpts := []models.FitOption{models.Verbose(0)}
	if c.verbose >= 0 {
		fitOpts = append(fitOpts, models.Verbose(c.verbose))
	}
	if c.ckptDir != "" {
		fitOpts = append(fitOpts, models.Callbacks(models.NewBackupAndRestore(c.ckptDir)))
	}
	// The progress goes where the rest of the output goes (its verbosity is Fit's).
	fitOpts = append(fitOpts, models.Callbacks(models.NewProgbarLogger(models.ProgbarWriter(stdout))))
	start := time.Now()
	if _, err := model.Fit(ctx, trainDS, fitOpts...); err != nil {
		return err
	}
	trainTime := time.Since(start)
	logs, err := model.Evaluate(ctx, testDS, evalOpts...)
	if err != nil {
		return err
	}
	if c.verbose > 0 {
		fmt.Fprintf(stdout, "trained %d epochs in %s (%s per epoch)\n", c.epochs, trainTime.Round(time.Millisecond), (trainTime / time.Duration(c.epochs)).Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "test accuracy: %.4f, test loss: %.4f\n", logs["accuracy"], logs["loss"])
	return nil
}

// head returns the first n rows of t (all of them for n == 0 or n beyond the length).
func head(t *tensor.Tensor, n int) *tensor.Tensor {
	if n == 0 || n >= t.Dim(0) {
		return t
	}
	return ops.SliceAxis(t, 0, 0, n, 1)
}
