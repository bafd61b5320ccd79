// Package nn provides neural-network layers with Keras's names, arguments, defaults and weight
// layouts, built from the ops of package ops so that every layer runs eagerly, traces into a
// compiled graph (with an unknown batch dimension) and differentiates.
//
//	x := nn.Input(28, 28, 1)
//	conv := nn.Conv2D(32, 3, nn.WithActivation("relu"))
//	y := nn.Apply(conv, nn.Context{Training: true, Step: step}, images)
//
// # Layers
//
// A [Layer] builds its weights on its first call from the shapes of its inputs, so constructors
// need no input size. [Layer.Weights] lists the variables (trainable first), [Layer.Losses] the
// regularisation penalties, [Layer.Config] the Keras configuration. [Apply] calls a
// single-input layer, [Sequence] chains layers, [OutputSpecs] and [Build] build a layer and
// infer its output shapes without computing, [SetWeights] loads weights in Keras's order and
// layouts, and [CountParams] counts scalars as a Keras summary does.
//
// The call's [Context] says whether it is training (dropout drops, batch normalisation uses and
// updates batch statistics) and carries the step that random layers mix into their seeds.
//
// Options are functional ([Option]): nn.Dense(64, nn.WithActivation("relu"), nn.WithName("fc1")).
// A constructor panics with a *core.Error for an option that does not apply to its layer, as
// Keras raises for an unknown keyword argument. Unnamed layers take Keras's base names ("dense",
// "conv2d"); a model makes them unique ("dense_1") with [Base.SetName] before the first call.
//
// # Weights and seeds
//
// [Base.AddWeight] creates the variable "<layer>/<weight>" with the weight's initializer
// (package nn/initializers; Keras's defaults: glorot_uniform kernels, zero biases,
// uniform(-0.05, 0.05) embeddings, ones and zeros for normalisation scales and offsets). It is
// drawn with a seed hashed from the layer's name (or WithSeed) and the weight's name, from Tide's
// counter-based generator: the same model code gives the same initial weights on every machine.
// Regularizers (nn/regularizers) add to Losses; constraints (nn/constraints) are applied after
// optimizer updates by [Base.Constrain] or, in a compiled step, with [Base.ConstraintOf] before
// the assignment.
//
// SetTrainable(false) freezes a layer as Keras's layer.trainable = False: its weights stop being
// tracked for gradients (no gradient is computed for them, optimizers skip them), a frozen
// BatchNormalization normalises with its moving statistics even while training, and layers made
// of layers (RNN, Bidirectional, TimeDistributed, TransformerEncoder, models) freeze everything
// inside. A layer frozen before its first call creates its weights frozen.
//
// # Layer list (Keras name: constructor)
//
// Core:
//   - InputLayer: [Input], [InputWith]
//   - Dense: [Dense]
//   - Activation: [Activation]
//   - Dropout: [Dropout]
//   - Flatten: [Flatten]
//   - Reshape: [Reshape]
//   - Permute: [Permute]
//   - RepeatVector: [RepeatVector]
//   - Lambda: [Lambda], [LambdaN]
//   - Embedding: [Embedding] (mask_zero exposes [EmbeddingLayer.ComputeMask])
//   - Masking: [Masking]
//   - Identity: [Identity]
//
// Reshaping of spatial dimensions ([ZeroPaddingLayer], [CroppingLayer], [UpSamplingLayer];
// channels_last or channels_first as the convolutions):
//   - ZeroPadding1D/2D/3D: [ZeroPadding1D], [ZeroPadding2D], [ZeroPadding3D]
//   - Cropping1D/2D/3D: [Cropping1D], [Cropping2D], [Cropping3D]
//   - UpSampling1D/2D/3D: [UpSampling1D], [UpSampling2D] (nearest, or bilinear as torch's interpolate with align_corners=False), [UpSampling3D]
//
// Activation layers (see also [Activation] and package nn/activations):
//   - ReLU (max_value, negative_slope, threshold), LeakyReLU (negative_slope 0.3), ELU: [ReLU], [LeakyReLU], [ELU]
//   - PReLU (a learned alpha, shared_axes): [PReLU]
//   - Softmax (axes; a mask as a second input or flowing from earlier layers): [Softmax]
//
// Regularisation and noise (active only in training, seeded with the step as Dropout):
//   - SpatialDropout1D/2D/3D: [SpatialDropout1D], [SpatialDropout2D], [SpatialDropout3D]
//   - GaussianNoise, GaussianDropout, AlphaDropout: [GaussianNoise], [GaussianDropout], [AlphaDropout]
//   - ActivityRegularization: [ActivityRegularization]
//
// Convolution ([ConvLayer]; kernels [k..., in/groups, filters] whatever the data format):
//   - Conv1D, Conv2D, Conv3D: [Conv1D], [Conv2D], [Conv3D]
//   - Conv1DTranspose, Conv2DTranspose, Conv3DTranspose: [Conv1DTranspose], [Conv2DTranspose], [Conv3DTranspose]
//   - DepthwiseConv1D, DepthwiseConv2D: [DepthwiseConv1D], [DepthwiseConv2D]
//   - SeparableConv1D, SeparableConv2D: [SeparableConv1D], [SeparableConv2D]
//
// Pooling ([PoolLayer], [GlobalPoolLayer]):
//   - MaxPooling1D/2D/3D: [MaxPooling1D], [MaxPooling2D], [MaxPooling3D]
//   - AveragePooling1D/2D/3D: [AveragePooling1D], [AveragePooling2D], [AveragePooling3D]
//   - GlobalMaxPooling1D/2D/3D: [GlobalMaxPooling1D], [GlobalMaxPooling2D], [GlobalMaxPooling3D]
//   - GlobalAveragePooling1D/2D/3D: [GlobalAveragePooling1D], [GlobalAveragePooling2D], [GlobalAveragePooling3D]
//
// Normalisation:
//   - BatchNormalization: [BatchNormalization]
//   - LayerNormalization: [LayerNormalization]
//   - GroupNormalization: [GroupNormalization]
//   - UnitNormalization: [UnitNormalization]
//
// Merging ([MergeLayer]):
//   - Add, Subtract, Multiply, Average, Maximum, Minimum: [Add], [Subtract], [Multiply], [Average], [Maximum], [Minimum]
//   - Concatenate: [Concatenate]
//   - Dot: [Dot]
//
// Recurrent (on graph.Scan: one node in a compiled step, whatever the sequence length):
//   - SimpleRNN, LSTM, GRU: [SimpleRNN], [LSTM], [GRU] (reset_after by default, as Keras)
//   - RNN with a cell: [RNN] with [SimpleRNNCell], [LSTMCell], [GRUCell]
//   - ConvLSTM1D, ConvLSTM2D, ConvLSTM3D ([ConvLSTMLayer]; states are images, recurrent convolution "same" with stride 1): [ConvLSTM1D], [ConvLSTM2D], [ConvLSTM3D]
//   - Bidirectional: [Bidirectional]
//   - TimeDistributed: [TimeDistributed]
//
// Attention:
//   - MultiHeadAttention: [MultiHeadAttention]
//   - Attention (Luong), AdditiveAttention (Bahdanau): [Attention], [AdditiveAttention]
//   - TransformerEncoder (keras_hub): [TransformerEncoder]
//
// Preprocessing that lives in the model:
//   - Rescaling, Normalization (Adapt on data), CenterCrop, Resizing: [Rescaling], [Normalization], [CenterCrop], [Resizing]
//   - RandomFlip, RandomRotation, RandomZoom, RandomTranslation (active only in training): [RandomFlip], [RandomRotation], [RandomZoom], [RandomTranslation]
//   - CategoryEncoding, Discretization (boundaries or Adapt on data): [CategoryEncoding], [Discretization]
//   - Hashing (FarmHash Fingerprint64, or SipHash with a salt, as Keras; integers in the model, strings by Indices): [Hashing]
//   - StringLookup, IntegerLookup, TextVectorization: [StringLookup], [IntegerLookup], [TextVectorization] (Tide has no string dtype: strings are turned into int64 indices in Go, by Indices or Encode, and the rest runs in the model)
//
// Activations by name are in package nn/activations.
//
// # Data formats
//
// Convolutions and pooling default to channels_last ([batch, spatial..., channels]);
// WithDataFormat("channels_first") takes [batch, channels, spatial...]. "same" padding follows
// TensorFlow (the odd pad at the end); Conv1D also has "causal".
package nn
