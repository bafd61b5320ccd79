// Videoqa is the seed example of the Keras functional API, in Go: a model that answers
// questions about short videos. Each frame of a video goes through InceptionV3 (without its
// classifier, global-average-pooled to 2048 features; frozen, as a pretrained feature
// extractor would be), the sequence of frame features through an LSTM; the question, a
// sequence of token ids, goes through an Embedding and another LSTM; the two encodings are
// concatenated and two Dense layers give a softmax over the answer vocabulary.
//
// The model is built with the Functional API (models.Input, models.Apply, models.Functional),
// its Summary printed (with the "Connected to" column of a graph that is not a chain), and it
// is trained for a few epochs on random videos, questions and answers, printing the loss,
// which falls as the model memorises them.
//
// Run it with
//
//	go run ./examples/videoqa                            # 4 frames of 150×150, InceptionV3
//	go run ./examples/videoqa -frames 2 -size 75 -epochs 2
//	go run ./examples/videoqa -cnn tiny -epochs 20       # a small CNN instead, for a fast run
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"slices"

	"github.com/tideml/tide/applications"
	"github.com/tideml/tide/autodiff"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/losses"
	"github.com/tideml/tide/models"
	"github.com/tideml/tide/nn"
	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/optim"
	"github.com/tideml/tide/tensor"
)

// config holds the sizes of the model, the data and the training.
type config struct {
	frames, size int // frames per video, frame height and width
	cnn          string
	questionLen  int // tokens per question (0-padded)
	vocab        int // question vocabulary, padding id 0 included
	answers      int // answer vocabulary
	samples      int // random (video, question, answer) triples
	batch        int
	epochs       int
	lr           float64
	seed         uint64
	summary      bool
	eager        bool
}

func main() {
	var c config
	flag.IntVar(&c.frames, "frames", 4, "frames per video")
	flag.IntVar(&c.size, "size", 150, "frame height and width in pixels (InceptionV3 needs at least 75)")
	flag.StringVar(&c.cnn, "cnn", "inceptionv3", `frame encoder: "inceptionv3" or "tiny" (a small CNN, fast)`)
	flag.IntVar(&c.questionLen, "question-len", 100, "tokens per question")
	flag.IntVar(&c.vocab, "vocab", 10000, "question vocabulary size")
	flag.IntVar(&c.answers, "answers", 1000, "answer vocabulary size")
	flag.IntVar(&c.samples, "samples", 8, "random training examples")
	flag.IntVar(&c.batch, "batch", 4, "batch size")
	flag.IntVar(&c.epochs, "epochs", 3, "epochs")
	flag.Float64Var(&c.lr, "lr", 1e-3, "Adam learning rate")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the random data")
	flag.BoolVar(&c.summary, "summary", true, "print the model summary")
	flag.BoolVar(&c.eager, "eager", false, "run the train steps op by op instead of compiled")
	flag.Parse()
	if _, err := run(context.Background(), c, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run builds the model, prints its summary and trains it, returning the loss of each epoch.
func run(ctx context.Context, c config, w io.Writer) ([]float64, error) {
	model, cnn, err := build(c)
	if err != nil {
		return nil, err
	}
	if c.summary {
		if err := model.Summary(w, models.LineLength(108)); err != nil {
			return nil, err
		}
	}
	return train(ctx, c, model, cnn, w)
}

// train compiles the model and fits it to random data, keeping the frame encoder cnn frozen.
func train(ctx context.Context, c config, model *models.Model, cnn nn.Layer, w io.Writer) ([]float64, error) {
	// Keras freezes the CNN with cnn.trainable = False; here a train step that differentiates
	// only the other weights does it (and frozenLayer runs the CNN in inference mode).
	head := trainableExcept(model, cnn)
	step := func(m *models.Model, d models.StepData) map[string]*tensor.Tensor {
		loss, preds := m.ComputeLoss(nn.Context{Training: true, Step: d.Step}, d)
		optim.Minimize(m.Optimizer(), loss, head...)
		m.UpdateMetrics(d.Y, preds, d.SampleWeight)
		return map[string]*tensor.Tensor{"loss": loss}
	}
	opts := []models.CompileOption{models.WithTrainStep(step)}
	if c.eager {
		opts = append(opts, models.Eager())
	}
	err := model.Compile(optim.Adam(optim.LearningRate(c.lr)),
		losses.SparseCategoricalCrossentropy(losses.FromLogits()), opts...)
	if err != nil {
		return nil, err
	}
	video, question, answer := randomData(c)
	fmt.Fprintf(w, "training on %d random videos [%d frames, %d×%d×3], questions of %d tokens, %d answers\n",
		c.samples, c.frames, c.size, c.size, c.questionLen, c.answers)
	report := &models.LambdaCallback{EpochEnd: func(e int, logs models.Logs) error {
		fmt.Fprintf(w, "epoch %d/%d - loss: %.4f\n", e+1, c.epochs, logs["loss"])
		return nil
	}}
	hist, err := model.Fit(ctx, models.Arrays(video, question, answer), models.Epochs(c.epochs),
		models.BatchSize(c.batch), models.Seed(c.seed), models.Verbose(0), models.Callbacks(report))
	if err != nil {
		return nil, err
	}
	return hist.History["loss"], nil
}

// build makes the video question-answering model and returns it with its frame encoder.
func build(c config) (*models.Model, nn.Layer, error) {
	cnn, err := frameEncoder(c)
	if err != nil {
		return nil, nil, err
	}
	frozen := &frozenLayer{Layer: cnn}

	video := models.InputWith([]int{c.frames, c.size, c.size, 3}, nn.WithName("video"))
	pixels := models.Apply(nn.Lambda(func(x *tensor.Tensor) *tensor.Tensor {
		return applications.PreprocessInput(x, applications.TF) // [0, 255] → [-1, 1]
	}, nn.WithName("preprocess")), video)
	encodedFrames := models.Apply(nn.TimeDistributed(frozen), pixels) // [batch, frames, 2048]
	encodedVideo := models.Apply(nn.LSTM(256), encodedFrames)

	question := models.InputWith([]int{c.questionLen}, nn.WithName("question"), nn.WithDType(dtype.Int32))
	embedded := models.Apply(nn.Embedding(c.vocab, 256, nn.WithMaskZero(true)), question)
	// The functional model does not pass Embedding's mask on to the LSTM by itself: give it
	// as the LSTM's second input.
	mask := models.Apply(nn.Lambda(notPadding, nn.WithName("padding_mask")), question)
	encodedQuestion := models.Apply(nn.LSTM(128), embedded, mask)

	x := models.Apply(nn.Concatenate(), encodedVideo, encodedQuestion)
	x = models.Apply(nn.Dense(128, nn.WithActivation("relu")), x)
	answer := models.Apply(nn.Dense(c.answers, nn.WithName("answer")), x) // logits

	model, err := models.Functional([]*models.Symbolic{video, question}, []*models.Symbolic{answer},
		models.WithName("video_qa"))
	return model, cnn, err
}

// frameEncoder returns the per-frame CNN: InceptionV3 without its top, average-pooled.
func frameEncoder(c config) (nn.Layer, error) {
	switch c.cnn {
	case "inceptionv3":
		return applications.InceptionV3(applications.IncludeTop(false), applications.Pooling("avg"),
			applications.InputShape(c.size, c.size, 3))
	case "tiny":
		return models.Sequential(
			models.Input(c.size, c.size, 3),
			nn.Conv2D(8, 3, nn.WithStrides(2), nn.WithActivation("relu")),
			nn.Conv2D(16, 3, nn.WithStrides(2), nn.WithActivation("relu")),
			nn.GlobalAveragePooling2D(),
		), nil
	}
	return nil, fmt.Errorf("videoqa: unknown -cnn %q (want inceptionv3 or tiny)", c.cnn)
}

func notPadding(ids *tensor.Tensor) *tensor.Tensor { return ops.NotEqual(ids, ops.ZerosLike(ids)) }

// frozenLayer runs a layer in inference mode (batch normalisation uses its moving statistics),
// as Keras runs a layer whose trainable is false.
type frozenLayer struct{ nn.Layer }

func (f *frozenLayer) Call(_ nn.Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	return f.Layer.Call(nn.Inference, inputs...)
}

// SetName is the wrapped layer's, if it has one, so that TimeDistributed can name it.
func (f *frozenLayer) SetName(name string) {
	if s, ok := f.Layer.(interface{ SetName(string) }); ok {
		s.SetName(name)
	}
}

// trainableExcept returns the model's trainable weights that are not the frozen layer's.
func trainableExcept(m *models.Model, frozen nn.Layer) []*autodiff.Variable {
	skip := map[*autodiff.Variable]bool{}
	for _, v := range frozen.Weights() {
		skip[v] = true
	}
	return slices.DeleteFunc(m.TrainableWeights(), func(v *autodiff.Variable) bool { return skip[v] })
}

// randomData returns random videos (pixels in [0, 255]), questions (0-padded token ids) and
// answers.
func randomData(c config) (video, question, answer *tensor.Tensor) {
	n := c.samples
	video = ops.MulScalar(tensor.RandomUniform(c.seed, n, c.frames, c.size, c.size, 3), 255)
	u := tensor.RandomUniform(c.seed+1, n, c.questionLen).Float64s()
	lens := tensor.RandomUniform(c.seed+2, n).Float64s()
	ids := make([]int32, n*c.questionLen)
	for i := range n {
		l := 1 + int(lens[i]*float64(c.questionLen)) // 1..questionLen tokens, then padding
		for j := range min(l, c.questionLen) {
			ids[i*c.questionLen+j] = 1 + int32(u[i*c.questionLen+j]*float64(c.vocab-1))
		}
	}
	a := tensor.RandomUniform(c.seed+3, n).Float64s()
	ans := make([]int32, n)
	for i := range ans {
		ans[i] = int32(a[i] * float64(c.answers))
	}
	return video, tensor.FromSlice(ids, n, c.questionLen), tensor.FromSlice(ans, n)
}
