// Package optim holds the optimizers and learning-rate schedules that train Tide models, with
// Keras 3's update rules, defaults and configuration names.
//
//	opt := optim.Adam(optim.LearningRate(1e-3), optim.GlobalClipNorm(1))
//	loss := lossFn(x, y)
//	optim.Minimize(opt, loss, vars...) // or opt.Apply(autodiff.GradVariables(loss, vars...), vars)
//
// # Optimizers
//
// Every constructor takes functional [Option]s and returns an [Optimizer]; the defaults are
// Keras's. Where PyTorch differs, the constructor's documentation says how.
//
//   - [SGD]: Keras SGD; torch.optim.SGD (the same rule while the learning rate is constant).
//   - [Adam]: Keras Adam; torch.optim.Adam (epsilon placed differently, below).
//   - [AdamW]: Keras AdamW; torch.optim.AdamW (epsilon placed differently).
//   - [Adamax]: Keras Adamax; torch.optim.Adamax (epsilon placed differently).
//   - [Nadam]: Keras Nadam; torch.optim.NAdam with momentum_decay=1, in torch >= 2.0.
//   - [RMSprop]: Keras RMSprop; torch.optim.RMSprop (alpha is rho; epsilon inside the root).
//   - [Adagrad]: Keras Adagrad; torch.optim.Adagrad (epsilon inside the root).
//   - [Adadelta]: Keras Adadelta; torch.optim.Adadelta (the same rule).
//   - [Lion]: Keras Lion; none in torch.optim.
//   - [FTRL]: Keras Ftrl; none in torch.optim.
//   - [LossScale]: Keras LossScaleOptimizer; torch.cuda.amp.GradScaler.
//
// Options every optimizer takes, as Keras's common arguments: [LearningRate] or
// [LearningRateSchedule], [WeightDecay] (decoupled: w -= w·wd·lr before the step, for every
// optimizer; PyTorch's weight_decay is an L2 term added to the gradient except in AdamW) with
// [ExcludeFromWeightDecay], one of [ClipNorm], [ClipValue] and [GlobalClipNorm],
// [LossScaleFactor], [GradientAccumulationSteps] and [Name]. Keras's use_ema is not
// implemented. Each step runs, in Keras's order: unscale (loss scale factor), accumulate,
// clip, decay weights, update; the learning rate is the schedule's value at the iteration
// count before the step.
//
// # Epsilon
//
// Keras adds epsilon where Kingma and Ba's "epsilon hat" goes: Adam divides by √v + ε with the
// bias correction folded into the step size, lr·√(1-β2^t)/(1-β1^t), while PyTorch divides by
// √v/√(1-β2^t) + eps. The two rules coincide when the Keras ε equals PyTorch's eps·√(1-β2^t),
// which changes with t, so only ε = 0 makes them identical. Likewise RMSprop, Adagrad (ε
// inside the square root in Keras) and Adamax (ε added to the norm, not inside the max). The
// tests compare with PyTorch at ε = 0 and with a NumPy transcription of Keras at the default ε.
//
// # State, checkpoints and compiled steps
//
// An optimizer's state is ordinary non-trainable [autodiff.Variable]s returned by
// [Optimizer.Variables]: the int64 iteration counter "<name>/iteration", the float64 learning
// rate "<name>/learning_rate" (absent under a schedule), and per model variable the slots
// "<name>/<variable>/<slot>" with Keras's slot names (momentum, velocity, velocity_hat, norm,
// average_gradient, accumulator, accumulated_grad, accumulated_delta_var, linear,
// gradient_accumulator). Slots are created on the first Apply, or by [Optimizer.Build] before a
// checkpoint is restored into them.
//
// The update is written with ops only and never reads tensor values, so it runs the same
// eagerly and inside graph.Compile: a compiled train step holds the forward pass, the
// gradients and the update, reads the state variables at every call and writes them back
// after it. Bias corrections and schedules are computed from the iteration variable, the
// learning rate is read from its variable, and loss-scale and gradient-accumulation decisions
// are taken with Where — so the compiled step gives the same numbers as eager code, and
// [Optimizer.SetLearningRate] takes effect without retracing.
//
// Adam and AdamW (without AMSGrad) on float32 and float64 variables run their elementwise
// update as one fused op, [ops.AdamUpdate], instead of a dozen elementwise ops: one pass over
// the variable, its gradient and moments, with the composition's roundings, so the numbers are
// the same either way. The scalar bias correction stays composed.
//
// # Schedules
//
// A [Schedule] gives the learning rate from the iteration count, in plain Go ([Schedule.At])
// and with ops ([Schedule.Eval], traced into compiled steps):
//
//   - [ExponentialDecay]: Keras ExponentialDecay; torch ExponentialLR is the staircase form
//     with decay steps 1.
//   - [InverseTimeDecay]: Keras InverseTimeDecay; torch has none (LambdaLR).
//   - [PiecewiseConstantDecay]: Keras PiecewiseConstantDecay; torch MultiStepLR switches one
//     step earlier.
//   - [PolynomialDecay]: Keras PolynomialDecay; torch PolynomialLR ends at 0.
//   - [CosineDecay]: Keras CosineDecay, with Keras 3's warmup; torch CosineAnnealingLR.
//   - [CosineDecayRestarts]: Keras CosineDecayRestarts; torch CosineAnnealingWarmRestarts.
//   - [Warmup]: Tide's linear warmup before any schedule; torch LinearLR with SequentialLR.
//
// # Serialisation
//
// [Optimizer.Config] and [Schedule.Config] return Keras's serialised form
// ({"class_name": ..., "config": {...}} with Keras's keys), which [FromConfig] and
// [ScheduleFromConfig] read back, Keras-written configs included; [ByName] gives the
// optimizer of a Keras string alias ("adam") with its defaults.
//
// # Errors
//
// Caller mistakes panic with a *core.Error naming the optimizer, the variable and the shapes:
// an option an optimizer does not take or a value out of range (at construction), gradients
// and variables of different counts or shapes, non-float dtypes, a variable given twice, no
// gradient at all (in Apply), setting the learning rate of a scheduled optimizer. Entry points
// that run user code (graph.Function.Call, Fit) recover them into errors. [FromConfig] returns
// errors.
package optim
