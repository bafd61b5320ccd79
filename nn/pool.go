package nn

import (
	"strings"

	"github.com/tideml/tide/ops"
	"github.com/tideml/tide/tensor"
)

// PoolLayer is Keras's MaxPooling1D/2D/3D and AveragePooling1D/2D/3D.
type PoolLayer struct {
	Base
	max           bool
	rank          int
	poolSize      []int
	strides       []int
	padding       string
	channelsFirst bool
}

var poolKeys = []string{"pool_size", "strides", "padding", "data_format"}

func newPool(class, defName string, max bool, rank, poolSize int, opts []Option) *PoolLayer {
	o := parse(class, opts, poolKeys...)
	l := &PoolLayer{max: max, rank: rank}
	l.initBase(class, defName, o)
	ps := []int{poolSize}
	if o.poolSize != nil {
		ps = o.poolSize
	}
	l.poolSize = spatialDims(&l.Base, rank, "pool_size", ps, 2)
	l.strides = l.poolSize
	if o.strides != nil {
		l.strides = spatialDims(&l.Base, rank, "strides", o.strides, 1)
	}
	l.padding = strings.ToLower(o.padding)
	switch l.padding {
	case "":
		l.padding = "valid"
	case "valid", "same":
	default:
		panic(l.errorf("unknown padding %q (want valid or same)", o.padding))
	}
	switch o.dataFormat {
	case "", "channels_last":
	case "channels_first":
		l.channelsFirst = true
	default:
		panic(l.errorf("unknown data_format %q", o.dataFormat))
	}
	return l
}

// MaxPooling1D returns Keras's MaxPooling1D layer: the maximum of each window of poolSize steps,
// moved by the strides (default the pool size). Options: WithStrides, WithPadding ("valid",
// "same": padding is never the maximum), WithDataFormat, WithPoolSize, WithName.
func MaxPooling1D(poolSize int, opts ...Option) *PoolLayer {
	return newPool("MaxPooling1D", "max_pooling1d", true, 1, poolSize, opts)
}

// MaxPooling2D returns Keras's MaxPooling2D layer (Keras's default pool size is 2).
func MaxPooling2D(poolSize int, opts ...Option) *PoolLayer {
	return newPool("MaxPooling2D", "max_pooling2d", true, 2, poolSize, opts)
}

// MaxPooling3D returns Keras's MaxPooling3D layer.
func MaxPooling3D(poolSize int, opts ...Option) *PoolLayer {
	return newPool("MaxPooling3D", "max_pooling3d", true, 3, poolSize, opts)
}

// AveragePooling1D returns Keras's AveragePooling1D layer: the mean of each window; with "same"
// padding the padded positions are not counted, as TensorFlow.
func AveragePooling1D(poolSize int, opts ...Option) *PoolLayer {
	return newPool("AveragePooling1D", "average_pooling1d", false, 1, poolSize, opts)
}

// AveragePooling2D returns Keras's AveragePooling2D layer.
func AveragePooling2D(poolSize int, opts ...Option) *PoolLayer {
	return newPool("AveragePooling2D", "average_pooling2d", false, 2, poolSize, opts)
}

// AveragePooling3D returns Keras's AveragePooling3D layer.
func AveragePooling3D(poolSize int, opts ...Option) *PoolLayer {
	return newPool("AveragePooling3D", "average_pooling3d", false, 3, poolSize, opts)
}

// Call pools one input of rank spatial+2.
func (l *PoolLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	if x.Rank() != l.rank+2 {
		panic(l.errorf("needs an input of rank %d, got shape %v", l.rank+2, x.Shape()))
	}
	p := ops.PoolParams{Rank: l.rank, Window: l.poolSize, Strides: l.strides, Padding: ops.PadValid}
	if l.padding == "same" {
		p.Padding = ops.PadSame
	}
	if l.channelsFirst {
		p.Layout = ops.ChannelsFirst
	}
	if l.max {
		return l.Finish(ops.MaxPool(x, p))
	}
	return l.Finish(ops.AvgPool(x, p))
}

// Config returns pool_size, strides, padding and data_format.
func (l *PoolLayer) Config() map[string]any {
	c := l.baseConfig()
	c["pool_size"], c["strides"], c["padding"] = l.poolSize, l.strides, l.padding
	c["data_format"] = dataFormatName(l.channelsFirst)
	return c
}

// GlobalPoolLayer is Keras's GlobalMaxPooling1D/2D/3D and GlobalAveragePooling1D/2D/3D.
type GlobalPoolLayer struct {
	Base
	max           bool
	rank          int
	keepDims      bool
	channelsFirst bool
}

func newGlobalPool(class, defName string, max bool, rank int, opts []Option) *GlobalPoolLayer {
	o := parse(class, opts, "keepdims", "data_format")
	l := &GlobalPoolLayer{max: max, rank: rank, keepDims: o.keepDims}
	l.initBase(class, defName, o)
	switch o.dataFormat {
	case "", "channels_last":
	case "channels_first":
		l.channelsFirst = true
	default:
		panic(l.errorf("unknown data_format %q", o.dataFormat))
	}
	return l
}

// GlobalMaxPooling1D returns Keras's GlobalMaxPooling1D layer: the maximum over the steps,
// [batch, steps, channels] → [batch, channels] (WithKeepDims(true): [batch, 1, channels]).
func GlobalMaxPooling1D(opts ...Option) *GlobalPoolLayer {
	return newGlobalPool("GlobalMaxPooling1D", "global_max_pooling1d", true, 1, opts)
}

// GlobalMaxPooling2D returns Keras's GlobalMaxPooling2D layer.
func GlobalMaxPooling2D(opts ...Option) *GlobalPoolLayer {
	return newGlobalPool("GlobalMaxPooling2D", "global_max_pooling2d", true, 2, opts)
}

// GlobalMaxPooling3D returns Keras's GlobalMaxPooling3D layer.
func GlobalMaxPooling3D(opts ...Option) *GlobalPoolLayer {
	return newGlobalPool("GlobalMaxPooling3D", "global_max_pooling3d", true, 3, opts)
}

// GlobalAveragePooling1D returns Keras's GlobalAveragePooling1D layer: the mean over the steps.
func GlobalAveragePooling1D(opts ...Option) *GlobalPoolLayer {
	return newGlobalPool("GlobalAveragePooling1D", "global_average_pooling1d", false, 1, opts)
}

// GlobalAveragePooling2D returns Keras's GlobalAveragePooling2D layer.
func GlobalAveragePooling2D(opts ...Option) *GlobalPoolLayer {
	return newGlobalPool("GlobalAveragePooling2D", "global_average_pooling2d", false, 2, opts)
}

// GlobalAveragePooling3D returns Keras's GlobalAveragePooling3D layer.
func GlobalAveragePooling3D(opts ...Option) *GlobalPoolLayer {
	return newGlobalPool("GlobalAveragePooling3D", "global_average_pooling3d", false, 3, opts)
}

// Call pools over the spatial dimensions.
func (l *GlobalPoolLayer) Call(_ Context, inputs ...*tensor.Tensor) []*tensor.Tensor {
	x := l.one(inputs)
	if x.Rank() != l.rank+2 {
		panic(l.errorf("needs an input of rank %d, got shape %v", l.rank+2, x.Shape()))
	}
	layout := ops.ChannelsLast
	if l.channelsFirst {
		layout = ops.ChannelsFirst
	}
	if l.max {
		return l.Finish(ops.GlobalMaxPool(x, layout, l.keepDims))
	}
	return l.Finish(ops.GlobalAvgPool(x, layout, l.keepDims))
}

// Config returns data_format and keepdims.
func (l *GlobalPoolLayer) Config() map[string]any {
	c := l.baseConfig()
	c["data_format"], c["keepdims"] = dataFormatName(l.channelsFirst), l.keepDims
	return c
}
