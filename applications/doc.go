// Package applications is Tide's model zoo: Keras's keras.applications networks, built layer
// for layer as Keras builds them — same layers in the same order, same names, same weight
// shapes, same parameter counts — as functional [models.Model]s, channels last.
//
//	model, err := applications.ResNet50(applications.Weights("resnet50.safetensors"))
//	probs := model.Call(nn.Inference, applications.PreprocessInput(images, applications.Caffe))[0]
//
// # Networks
//
// Builder and its Keras counterpart, with Keras's parameter counts (with the top at the native
// size / without the top):
//
//   - [VGG16]: keras.applications.VGG16 — 138,357,544 / 14,714,688; 224×224, at least 32×32
//   - [ResNet50]: keras.applications.ResNet50 — 25,636,712 / 23,587,712; 224×224, at least 32×32
//   - [InceptionV3]: keras.applications.InceptionV3 — 23,851,784 / 21,802,784; 299×299, at least 75×75
//   - [MobileNetV2]: keras.applications.MobileNetV2 — 3,538,984 / 2,257,984 at alpha 1; 224×224, at least 32×32
//
// [New] builds one by name ("vgg16", "resnet50", "inceptionv3", "mobilenetv2"), as
// tide summary does.
//
// Building makes the weights from the layers' initializers (Keras's: glorot_uniform kernels,
// zero biases, unit moving variances) and infers every shape symbolically; nothing runs on images.
// Memory is 4 bytes a parameter: 553 MB for VGG16 with its top, most of it the first
// fully-connected layer.
//
// # Arguments
//
// Each of Keras's arguments is an [Option]: [IncludeTop] (include_top, default true),
// [Weights] (weights: a file path; default none), [InputShape] (input_shape), [InputTensor]
// (input_tensor), [Pooling] (pooling: "", "avg", "max"), [Classes] (classes, default 1000),
// [ClassifierActivation] (classifier_activation, default "softmax"; "" for logits), [Alpha]
// (MobileNetV2's alpha) and [Name]. A bad combination is an error, as Keras raises:
// an image smaller than the minimum, an unknown size with the top, an activation other than
// softmax or none with weights.
//
// # Names and weights
//
// Layers carry Keras's names — "block1_conv1", "conv2_block1_1_conv", "mixed0", "Conv1",
// "block_1_expand" — and InceptionV3's unnamed layers the names a fresh Keras session gives them
// ("conv2d", "conv2d_1", ..., "batch_normalization_93"). They are the same however many models
// a program builds, so weights are "<layer>/<weight>" — "block1_conv1/kernel",
// "conv1_bn/moving_mean", "predictions/bias" — in every model: a weight file keyed by them
// loads with [Weights] or [models.Model.LoadWeights], and [models.Model.SaveWeights] writes one.
// Depthwise kernels are named "depthwise_kernel" (Keras 2's name; Keras 3 says "kernel"). The
// file must hold exactly the model's weights: Keras's "no top" files are for IncludeTop(false).
//
// Tide downloads nothing, so Keras's weights="imagenet" is an error. Convert Keras's pretrained
// weights once, in Python with Keras and the safetensors package:
//
//	model = keras.applications.MobileNetV2(weights="imagenet")
//	tensors = {}
//	for layer in model.layers:
//	    for w in layer.weights:
//	        name = w.name.split("/")[-1].split(":")[0]
//	        if isinstance(layer, keras.layers.DepthwiseConv2D) and name == "kernel":
//	            name = "depthwise_kernel"
//	        tensors[layer.name + "/" + name] = np.ascontiguousarray(w.numpy(), dtype=np.float32)
//	safetensors.numpy.save_file(tensors, "mobilenet_v2.safetensors")
//
// (for InceptionV3 in a fresh Python session, so that its layers have the names above).
//
// # Preprocessing
//
// Pretrained weights expect images prepared as in training: [PreprocessInput] with [Caffe]
// (VGG16, ResNet50: BGR, mean pixel subtracted) or [TF] (InceptionV3, MobileNetV2: pixels scaled
// to [-1, 1]).
//
// # Differences from Keras
//
//   - Without the top, Keras's default input is any size, (None, None, 3); package ops cannot yet
//     infer the shape of a "same" convolution of an unknown size, so the default is the native
//     size and InputShape(-1, -1, 3) gives that error.
//   - weights="imagenet" is an error (see above); the default is no weights.
//   - An unknown pooling mode is an error rather than ignored.
//   - ZeroPadding2D and ReLU, which package nn lacks, are layers of this package (classes
//     "ZeroPadding2D" and "ReLU"); only channels last is built.
package applications
