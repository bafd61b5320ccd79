package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tideml/tide/data"
	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/tensor"
)

// Arrays holds a dataset split into training and test sets as in-memory tensors, as
// keras.datasets.mnist.load_data returns them: images uint8 [n, 28, 28] with values 0..255,
// labels int64 [n].
type Arrays struct {
	TrainImages, TrainLabels *tensor.Tensor
	TestImages, TestLabels   *tensor.Tensor
}

// Datasets returns a's training and test sets as datasets of (image, label) elements, images
// float32 [28, 28, 1] scaled to [0, 1] and labels int64 scalars. The images are converted one
// element at a time, when a pass reads them.
func (a *Arrays) Datasets() (train, test *data.Dataset) {
	return imageDataset(a.TrainImages, a.TrainLabels), imageDataset(a.TestImages, a.TestLabels)
}

// imageDataset pairs uint8 images [n, h, w] with labels and scales each image to float32
// [h, w, 1] in [0, 1].
func imageDataset(images, labels *tensor.Tensor) *data.Dataset {
	h, w := images.Dim(1), images.Dim(2)
	spec := data.Spec{Tensors: []data.TensorSpec{
		{DType: dtype.Float32, Shape: []int{h, w, 1}},
		{DType: dtype.Int64, Shape: []int{}},
	}}
	return data.FromTensorSlices(images, labels).Map(ScaleImages, data.OutputSpec(spec))
}

// ScaleImages is a data.MapFunc for elements whose first tensor is uint8 images of shape
// [..., height, width] (one image or a batch): it converts them to float32 [..., height, width,
// 1] divided by 255, as Keras's examples do (x.astype("float32") / 255 and a channel axis),
// and keeps the other tensors. Mapping after batching converts a whole batch at once, which is
// cheaper than one image at a time; shuffling the uint8 examples first keeps the shuffle
// buffer four times smaller.
func ScaleImages(e data.Element) (data.Element, error) {
	if e.Len() == 0 || e.At(0).DType() != dtype.Uint8 {
		return data.Element{}, fmt.Errorf("datasets: ScaleImages: want uint8 images first, got %v", e)
	}
	img := e.At(0)
	px := tensor.Data[uint8](img)
	out := make([]float32, len(px))
	for i, v := range px {
		out[i] = float32(v) / 255
	}
	ts := append([]*tensor.Tensor{tensor.Wrap(out, append(img.Shape().Clone(), 1)...)}, e.Tensors[1:]...)
	return data.Element{Tensors: ts, Names: e.Names}, nil
}

// readIDX decodes a gzipped IDX file of unsigned bytes (MNIST's images or labels) named name.
// It returns an error, never panics, on damaged input.
func readIDX(name string, gz []byte) (*tensor.Tensor, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: %w", name, err)
	}
	var hdr [4]byte
	if _, err := io.ReadFull(zr, hdr[:]); err != nil {
		return nil, fmt.Errorf("datasets: %s: header: %w", name, err)
	}
	if hdr[0] != 0 || hdr[1] != 0 || hdr[2] != 0x08 || hdr[3] == 0 || hdr[3] > 4 {
		return nil, fmt.Errorf("datasets: %s: bad magic % x, want 00 00 08 <rank 1..4>", name, hdr)
	}
	dims := make([]int, hdr[3])
	n := 1
	for i := range dims {
		var d uint32
		if err := binary.Read(zr, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("datasets: %s: header: %w", name, err)
		}
		dims[i] = int(d)
		n *= int(d)
		if n > 1<<30 {
			return nil, fmt.Errorf("datasets: %s: header claims too many elements (dims %v)", name, dims[:i+1])
		}
	}
	buf := make([]uint8, n)
	if _, err := io.ReadFull(zr, buf); err != nil {
		return nil, fmt.Errorf("datasets: %s: data: want %d bytes: %w", name, n, err)
	}
	return tensor.Wrap(buf, dims...), nil
}

// labels64 converts a uint8 label vector to int64, the dtype sparse losses and metrics take.
func labels64(t *tensor.Tensor) *tensor.Tensor {
	out := tensor.New(dtype.Int64, t.Shape())
	tensor.Convert(out, t)
	return out
}

// loadArrays decodes the four MNIST-format files read by get (by base name).
func loadArrays(get func(name string) ([]byte, error)) (*Arrays, error) {
	names := [4]string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
		"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}
	var ts [4]*tensor.Tensor
	for i, name := range names {
		b, err := get(name)
		if err != nil {
			return nil, err
		}
		if ts[i], err = readIDX(name, b); err != nil {
			return nil, err
		}
	}
	for i := 0; i < 4; i += 2 {
		img, lab := ts[i], ts[i+1]
		if img.Rank() != 3 || lab.Rank() != 1 || img.Dim(0) != lab.Dim(0) {
			return nil, fmt.Errorf("datasets: %s %v does not pair with %s %v, want [n h w] images and [n] labels",
				names[i], img.Shape(), names[i+1], lab.Shape())
		}
	}
	return &Arrays{TrainImages: ts[0], TrainLabels: labels64(ts[1]), TestImages: ts[2], TestLabels: labels64(ts[3])}, nil
}

// FashionMNISTDir is where Debian's dataset-fashion-mnist package installs the files.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// LoadFashionMNIST reads the Fashion-MNIST arrays from dir, which holds the four gzipped IDX
// files under their usual names (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz); dir "" means [FashionMNISTDir].
// Any directory of MNIST-format files will do. A missing or damaged file is an error naming it.
func LoadFashionMNIST(dir string) (*Arrays, error) {
	if dir == "" {
		dir = FashionMNISTDir
	}
	return loadArrays(func(name string) ([]byte, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("datasets: %w (on Debian: apt-get install dataset-fashion-mnist)", err)
		}
		return b, nil
	})
}

// FashionMNIST returns the Fashion-MNIST training (60,000) and test (10,000) sets read from
// dir (see [LoadFashionMNIST]) as datasets of (image float32 [28, 28, 1] in [0, 1], label
// int64) elements. Class names are in [FashionMNISTClasses].
func FashionMNIST(dir string) (train, test *data.Dataset, err error) {
	a, err := LoadFashionMNIST(dir)
	if err != nil {
		return nil, nil, err
	}
	train, test = a.Datasets()
	return train, test, nil
}

// FashionMNISTClasses names Fashion-MNIST's labels 0..9.
var FashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
