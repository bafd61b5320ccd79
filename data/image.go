package data

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // register JPEG decoding
	_ "image/png"  // register PNG decoding
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tideml/tide/dtype"
	"github.com/tideml/tide/shape"
	"github.com/tideml/tide/tensor"
)

// ImageSize makes [ImageFolder] and [DecodeImageFile] resize every image to height×width
// with bilinear interpolation (half-pixel centres, as tf.image.resize), so that images
// of different sizes can be batched and the spec is fully known.
func ImageSize(height, width int) Option {
	return func(o *options) { o.imageSize = [2]int{height, width} }
}

// Channels sets the number of channels decoded images have: 1 (grayscale), 3 (RGB, the
// default) or 4 (RGBA).
func Channels(n int) Option { return func(o *options) { o.channels = n } }

// imageExts are the file extensions ImageFolder reads.
var imageExts = []string{".png", ".jpg", ".jpeg"}

// ImageClasses returns the class names of an image folder: its subdirectories, sorted,
// as [ImageFolder] numbers them.
func ImageClasses(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("data: image folder: %w", err)
	}
	var classes []string
	for _, e := range ents {
		if e.IsDir() {
			classes = append(classes, e.Name())
		}
	}
	if len(classes) == 0 {
		return nil, fmt.Errorf("data: image folder: %s has no class subdirectories", dir)
	}
	slices.Sort(classes)
	return classes, nil
}

// ImageFolder returns a dataset of (image, label) tuples from a directory laid out one
// subdirectory per class, like Keras's image_dataset_from_directory: the label (an
// int64 scalar) is the index of the class in the sorted subdirectory names (see
// [ImageClasses]), and the images are the PNG and JPEG files found under each class
// directory, in sorted order. Images are uint8 tensors of shape [height, width,
// channels] with values 0..255; map them to float32 and scale as the model wants.
//
// The files are listed when ImageFolder is called and decoded on each pass. Options:
// [ImageSize] (resize; without it the spec has unknown height and width), [Channels],
// [Parallel] and [Deterministic] (decode on several goroutines). A file that does not
// decode is an error naming it, in place of that image.
func ImageFolder(dir string, opts ...Option) *Dataset {
	o := newOptions(opts)
	if err := checkImageOptions(o); err != nil {
		return failed(err)
	}
	classes, err := ImageClasses(dir)
	if err != nil {
		return failed(err)
	}
	var elems []Element
	for label, c := range classes {
		files, err := imageFiles(filepath.Join(dir, c))
		if err != nil {
			return failed(err)
		}
		for _, f := range files {
			elems = append(elems, Tuple(StringTensor(f), scalarInt64(int64(label))))
		}
	}
	list := FromElementsSpec(Spec{Tensors: []TensorSpec{bytesSpec.Tensors[0], {DType: dtype.Int64, Shape: shape.Shape{}}}}, elems)
	spec := Spec{Tensors: []TensorSpec{imageSpec(o), {DType: dtype.Int64, Shape: shape.Shape{}}}}
	return list.Map(func(e Element) (Element, error) {
		img, err := DecodeImageFile(TensorString(e.Tensors[0]), opts...)
		if err != nil {
			return Element{}, err
		}
		return Tuple(img, e.Tensors[1]), nil
	}, append(opts, OutputSpec(spec))...)
}

func checkImageOptions(o options) error {
	switch o.channels {
	case 0, 1, 3, 4:
	default:
		return fmt.Errorf("data: image: %d channels, want 1, 3 or 4", o.channels)
	}
	if o.imageSize[0] < 0 || o.imageSize[1] < 0 || (o.imageSize[0] == 0) != (o.imageSize[1] == 0) {
		return fmt.Errorf("data: image: size %dx%d, want both positive", o.imageSize[0], o.imageSize[1])
	}
	return nil
}

func imageSpec(o options) TensorSpec {
	h, w := shape.Unknown, shape.Unknown
	if o.imageSize[0] > 0 {
		h, w = o.imageSize[0], o.imageSize[1]
	}
	return TensorSpec{DType: dtype.Uint8, Shape: shape.Shape{h, w, channels(o)}}
}

func channels(o options) int {
	if o.channels == 0 {
		return 3
	}
	return o.channels
}

// imageFiles lists the image files under dir, recursively, sorted.
func imageFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && slices.Contains(imageExts, strings.ToLower(filepath.Ext(p))) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data: image folder: %w", err)
	}
	slices.Sort(files)
	return files, nil
}

// DecodeImageFile reads and decodes the PNG or JPEG file at path into a uint8 tensor of
// shape [height, width, channels]. Options: [Channels], [ImageSize].
func DecodeImageFile(path string, opts ...Option) (*tensor.Tensor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	t, err := DecodeImage(b, opts...)
	if err != nil {
		return nil, fmt.Errorf("data: %s: %s", path, trimPrefix(err))
	}
	return t, nil
}

// DecodeImage decodes a PNG or JPEG image into a uint8 tensor of shape [height, width,
// channels], like tf.io.decode_image. Options: [Channels] (1 converts to gray with the
// JFIF weights, 3 drops alpha, 4 keeps it un-premultiplied), [ImageSize].
func DecodeImage(b []byte, opts ...Option) (*tensor.Tensor, error) {
	o := newOptions(opts)
	if err := checkImageOptions(o); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("data: decode image: %w", err)
	}
	t := imageTensor(img, channels(o))
	if o.imageSize[0] > 0 && (t.Dim(0) != o.imageSize[0] || t.Dim(1) != o.imageSize[1]) {
		t = resizeBilinear(t, o.imageSize[0], o.imageSize[1])
	}
	return t, nil
}

// imageTensor converts img into a [h, w, c] uint8 tensor.
func imageTensor(img image.Image, c int) *tensor.Tensor {
	r := img.Bounds()
	h, w := r.Dy(), r.Dx()
	out := make([]uint8, h*w*c)
	switch m := img.(type) {
	case *image.Gray:
		if c == 1 {
			for y := range h {
				copy(out[y*w:(y+1)*w], m.Pix[y*m.Stride:])
			}
			return tensor.Wrap(out, h, w, c)
		}
	case *image.NRGBA:
		if c == 4 {
			for y := range h {
				copy(out[y*w*4:(y+1)*w*4], m.Pix[y*m.Stride:])
			}
			return tensor.Wrap(out, h, w, c)
		}
	}
	i := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			px := img.At(x, y)
			switch c {
			case 1:
				out[i] = color.GrayModel.Convert(px).(color.Gray).Y
			case 3:
				n := color.NRGBAModel.Convert(px).(color.NRGBA)
				out[i], out[i+1], out[i+2] = n.R, n.G, n.B
			case 4:
				n := color.NRGBAModel.Convert(px).(color.NRGBA)
				out[i], out[i+1], out[i+2], out[i+3] = n.R, n.G, n.B, n.A
			}
			i += c
		}
	}
	return tensor.Wrap(out, h, w, c)
}

// resizeBilinear resizes a [h, w, c] uint8 image to [nh, nw, c] with bilinear
// interpolation and half-pixel centres, rounding to nearest.
func resizeBilinear(t *tensor.Tensor, nh, nw int) *tensor.Tensor {
	h, w, c := t.Dim(0), t.Dim(1), t.Dim(2)
	src := tensor.Data[uint8](t)
	out := make([]uint8, nh*nw*c)
	sy, sx := float64(h)/float64(nh), float64(w)/float64(nw)
	for y := range nh {
		fy := math.Max((float64(y)+0.5)*sy-0.5, 0)
		y0 := min(int(fy), h-1)
		y1 := min(y0+1, h-1)
		dy := fy - float64(y0)
		for x := range nw {
			fx := math.Max((float64(x)+0.5)*sx-0.5, 0)
			x0 := min(int(fx), w-1)
			x1 := min(x0+1, w-1)
			dx := fx - float64(x0)
			for k := range c {
				p00 := float64(src[(y0*w+x0)*c+k])
				p01 := float64(src[(y0*w+x1)*c+k])
				p10 := float64(src[(y1*w+x0)*c+k])
				p11 := float64(src[(y1*w+x1)*c+k])
				top := p00 + (p01-p00)*dx
				bot := p10 + (p11-p10)*dx
				out[(y*nw+x)*c+k] = uint8(math.Round(top + (bot-top)*dy))
			}
		}
	}
	return tensor.Wrap(out, nh, nw, c)
}
