// Package losses holds the training objectives of Keras (keras.losses) for Tide: each loss
// turns targets and predictions into a scalar that autodiff can differentiate, with Keras's
// formulas, defaults, names and reductions.
//
//	loss := losses.SparseCategoricalCrossentropy(losses.FromLogits())
//	l := loss.Compute(labels, logits, nil) // mean over the batch
//	g := autodiff.GradVariables(l, weights...)
//
// # Losses, reductions and sample weights
//
// Every constructor returns a *[Func], the counterpart of Keras's LossFunctionWrapper: a
// per-sample function ([Func.Call], Keras's keras.losses.mean_squared_error and friends) and a
// [Reduction]. [Func.Compute] multiplies the per-sample losses by the sample weights (nil for
// none) and reduces them: [SumOverBatchSize], the Keras default, divides the weighted sum by
// the number of per-sample losses (not by the sum of the weights); [Sum] sums; [None] keeps
// them; [MeanWithSampleWeight] divides by the sum of the weights. Sample weights are aligned as
// Keras aligns them (a trailing axis of size 1 is added or dropped when the ranks differ by one)
// and otherwise broadcast along the losses' trailing axes, so [batch] weights weight whole
// sequences of [batch, time] losses. Options follow Keras's keyword arguments: [WithName],
// [WithReduction], [FromLogits], [LabelSmoothing], [Axis], [Delta], [IgnoreClass], [Alpha],
// [Gamma], [ClassBalancing], [Blank], [ZeroInfinity]; a loss given an option it has no use for
// panics with a *core.Error, as Python would on an unknown keyword. [NewFunc] makes custom
// losses; [Get] finds a loss by its Keras name ("mse", "sparse_categorical_crossentropy", ...).
//
// Predictions of an integer dtype are converted to float32; targets are converted to the
// predictions' dtype (the sparse and CTC losses take integer class targets of any dtype).
//
// # Where Tide differs from Keras
//
// Losses that average over the last axis keep the elements of rank-1 predictions as
// per-sample losses; Keras averages a rank-1 batch into one value, which gives the same loss
// under the default reduction but applies sample weights to the batch mean instead of to each
// sample. Sample weights of lower rank than the losses are broadcast along the losses' trailing
// axes, where Keras broadcasts from the right. Label smoothing divides by the size of the class
// axis given by [Axis] (Keras always uses the last axis). The losses compute in the
// predictions' dtype, float64 included, where Keras casts to its float type (float32).
//
// # Numerics
//
// Probabilities are clipped to the interval from [Epsilon] to 1-Epsilon before their
// logarithm, as Keras does (Epsilon = 1e-7, backend.epsilon()); with [FromLogits] the
// cross-entropies use log-softmax and the softplus form of the log-sigmoid instead, exact for
// any logits. Log-cosh is computed as x + softplus(-2x) - log 2, which does not overflow. The
// CTC loss runs the forward recursion of Graves et al. in log space, with a finite stand-in
// for log 0 so that unreachable states give a zero, not NaN, gradient; its gradient (the
// forward-backward computation) comes from autodiff through the recursion.
//
// # Eager, traced and differentiated
//
// The losses are written with package ops only, so they run eagerly, on tensors tracked for
// gradients, and on symbolic tensors while graph.Compile traces a train step. They never use a
// static batch size: a graph traced with an unknown batch dimension serves every batch size
// (the mean divides by ops.Size when the size is unknown; squeezes and expansions use Sum over
// a size-1 axis and ops.ReshapeLike). The CTC loss unrolls its time loop while traced, so its
// time axis must be known.
//
// # The losses
//
// Keras name (class), Tide constructor, PyTorch counterpart:
//
//   - mean_squared_error (MeanSquaredError, "mse"): [MeanSquaredError];
//     torch.nn.functional.mse_loss.
//   - mean_absolute_error (MeanAbsoluteError, "mae"): [MeanAbsoluteError]; l1_loss.
//   - mean_absolute_percentage_error (MeanAbsolutePercentageError, "mape"):
//     [MeanAbsolutePercentageError]; none.
//   - mean_squared_logarithmic_error (MeanSquaredLogarithmicError, "msle"):
//     [MeanSquaredLogarithmicError]; none.
//   - huber_loss (Huber): [Huber] with [Delta]; huber_loss.
//   - log_cosh (LogCosh): [LogCosh]; none.
//   - cosine_similarity (CosineSimilarity): [CosineSimilarity] with [Axis]; minus
//     cosine_similarity.
//   - binary_crossentropy (BinaryCrossentropy): [BinaryCrossentropy] with [FromLogits],
//     [LabelSmoothing], [Axis]; binary_cross_entropy_with_logits, binary_cross_entropy.
//   - binary_focal_crossentropy (BinaryFocalCrossentropy): [BinaryFocalCrossentropy] with
//     [Gamma], [Alpha], [ClassBalancing]; torchvision's sigmoid_focal_loss is similar.
//   - categorical_crossentropy (CategoricalCrossentropy): [CategoricalCrossentropy] with
//     [FromLogits], [LabelSmoothing], [Axis]; cross_entropy with probability targets.
//   - categorical_focal_crossentropy (CategoricalFocalCrossentropy):
//     [CategoricalFocalCrossentropy]; none.
//   - sparse_categorical_crossentropy (SparseCategoricalCrossentropy):
//     [SparseCategoricalCrossentropy] with [FromLogits], [IgnoreClass]; cross_entropy and
//     nll_loss with ignore_index.
//   - kl_divergence (KLDivergence, "kld"): [KLDivergence]; kl_div of log-probabilities.
//   - poisson (Poisson): [Poisson]; poisson_nll_loss with log_input=False.
//   - hinge (Hinge): [Hinge]; none (hinge_embedding_loss is another loss).
//   - squared_hinge (SquaredHinge): [SquaredHinge]; none.
//   - categorical_hinge (CategoricalHinge): [CategoricalHinge]; none.
//   - ctc (CTC): [CTC] with [Blank], [ZeroInfinity], and the function [CTCLoss] with per-sample
//     label and input lengths; ctc_loss.
//
// # Testing
//
// testdata/gen_losses.py computes every loss with PyTorch (or Keras's formula written with
// torch operations where PyTorch has none or differs, as its comments say) in float64, with its
// gradients, into testdata/losses.json; the tests compare values, every reduction and gradients
// with it, check gradients by finite differences to second order (autodiff/gradcheck), and
// check that each loss compiled with an unknown batch dimension runs two batch sizes without
// retracing.
package losses
