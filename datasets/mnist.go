package datasets

import (
	"embed"
	"sync"

	"github.com/tideml/tide/data"
)

//go:embed mnist/*.gz
var mnistFiles embed.FS

var mnist struct {
	once sync.Once
	a    *Arrays
	err  error
}

// LoadMNIST returns the bundled MNIST arrays: 60,000 training and 10,000 test images (uint8
// [n, 28, 28], 0..255) and their labels (int64 [n], 0..9), as keras.datasets.mnist.load_data.
// The files are decoded on the first call (about 0.3 s) and the arrays shared by later calls:
// they must not be modified.
func LoadMNIST() (*Arrays, error) {
	mnist.once.Do(func() {
		mnist.a, mnist.err = loadArrays(func(name string) ([]byte, error) {
			return mnistFiles.ReadFile("mnist/" + name)
		})
	})
	return mnist.a, mnist.err
}

// MNIST returns the bundled MNIST training (60,000) and test (10,000) sets as datasets of
// (image, label) elements: image float32 [28, 28, 1] with pixel values scaled to [0, 1],
// label an int64 scalar 0..9. Nothing is downloaded.
func MNIST() (train, test *data.Dataset, err error) {
	a, err := LoadMNIST()
	if err != nil {
		return nil, nil, err
	}
	train, test = a.Datasets()
	return train, test, nil
}
