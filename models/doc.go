// Package models is Tide's Keras-style model: layers assembled into a [Model] that can be
// summarised, compiled, trained, evaluated, checkpointed and used for prediction, the way
// keras.Model is used from Python.
//
// # Building a model
//
// [Sequential] stacks layers; a first [Input] (or nn.Input) declares the per-example shape and
// builds the model at once:
//
//	model := models.Sequential(
//		models.Input(28, 28, 1),
//		nn.Conv2D(32, 3, nn.WithActivation("relu")),
//		nn.MaxPooling2D(2),
//		nn.Flatten(),
//		nn.Dense(10),
//	)
//	if err := model.Err(); err != nil { ... } // a layer that does not fit, named with shapes
//
// [Functional] takes any graph of layer calls on symbolic tensors — several inputs and
// outputs, shared layers, models nested as layers:
//
//	a, b := models.Input(32), models.Input(16)
//	shared := nn.Dense(8)
//	x := models.Apply(nn.Concatenate(), models.Apply(shared, a), models.Apply(shared, models.Apply(nn.Dense(32), b)))
//	model, err := models.Functional([]*models.Symbolic{a, b}, []*models.Symbolic{models.Apply(nn.Dense(1), x)})
//
// [FromLayer] turns any nn.Layer — typically a Go struct whose Call composes other layers —
// into a model. Layers get unique Keras names ("dense", "dense_1", ...) before they make their
// weights, so that weights have unique names ("dense_1/kernel") in checkpoints. A Model is
// itself an nn.Layer.
//
// [Model.Summary] prints Keras 3's table (names and classes, output shapes with None for the
// batch, parameter counts, "Connected to" for graphs that are not a chain, and the totals with
// their sizes).
//
// # Training
//
// [Model.Compile] takes an optimizer (package optim), a loss (package losses) and options:
// [Metrics] (package metrics' metrics, or their Keras names: "accuracy" becomes the binary,
// categorical or sparse categorical accuracy that fits the loss and the shapes, as in Keras),
// [LossWeights], [OutputLosses], [Eager], [WithTrainStep]. [Model.Fit] runs epochs of train
// steps — forward pass in training mode (nn.Context{Training: true, Step: ...}), loss plus the
// layers' regularisation losses, gradients (package autodiff) over the trainable weights, the
// optimizer's update, the weights' constraints and the metrics' updates — each step one call of
// a function compiled with graph.Compile, whose inputs have an unknown batch dimension so that
// the last, smaller batch does not retrace. The model's weights, the optimizer's state and the
// metrics' state are bound while a step is traced (graph.Variables), so every update runs at
// every call. Metrics are reset at the start of every epoch and of every evaluation; their
// results go to the logs, the [History] and the progress bar. [Eager] runs the same steps op by
// op and gives the same numbers. Data come as a *data.Dataset of batches, or of single examples ([Arrays]) that
// Fit shuffles per epoch (deterministically from [Seed] and the epoch) and batches
// ([BatchSize]). [Model.Evaluate], [Model.Predict], [Model.TrainOnBatch],
// [Model.TestOnBatch] and [Model.PredictOnBatch] complete the set.
//
// Masks propagate as in Keras: the mask an Embedding with mask_zero or a Masking layer makes
// follows each value through the layers that keep it (Dense, Activation, Dropout, the
// normalisation layers; merge layers join their inputs' masks) to the layers that use it (the
// recurrent layers, Bidirectional, TimeDistributed, the attention layers and
// GlobalAveragePooling1D, which averages over the valid steps), so a padded batch gives what
// the unpadded sequences give. Any other layer ends the mask (see package nn's MaskPropagator).
//
// Transfer learning freezes layers with SetTrainable(false) on a layer or a whole (sub)model
// ([Model.SetTrainable]): the frozen weights count as non-trainable in the summary and keep their
// values through Fit; unfreezing them later needs no new Compile, since the compiled steps are
// traced again when any weight is frozen or unfrozen.
//
// Mistakes surface as errors, not panics: a layer that does not fit its input is reported by
// Sequential/Functional/Compile/Fit with the layer's name and class, the op and the shapes.
// A cancelled context makes Fit return after the step under way with the history so far.
//
// # Callbacks
//
// Fit calls [Callback]s: the user's, then a [History] (returned by Fit), then a
// [ProgbarLogger] printing Keras 3's progress bar (on a terminal, or when [Verbose] asks).
// Standard ones: [EarlyStopping], [ModelCheckpoint], [ReduceLROnPlateau],
// [LearningRateScheduler], [CSVLogger], [TerminateOnNaN], [NewBackupAndRestore],
// [LambdaCallback] and [TensorBoard] (through a [ScalarWriter]).
//
// # Checkpoints
//
// Weights are stored as safetensors, under their variables' names ([Model.SaveWeights],
// [Model.LoadWeights]). A checkpoint ([Model.SaveCheckpoint], [CheckpointManager]) adds the
// optimizer's state and a JSON index (step, epoch, batch, tensors, the model's config); both
// files are written to temporary names and renamed, the index last. Restoring checks every
// tensor by name, shape and dtype. Training resumed from a checkpoint follows the same
// trajectory, bit for bit, as an uninterrupted run: the train step counter that seeds dropout
// is restored, and Fit's shuffling depends only on the seed and the epoch.
package models
