// Package metrics holds Keras's streaming evaluation metrics (keras.metrics) for Tide:
// accuracies, confusion-matrix metrics (precision, recall, AUC), F-scores, IoU, and means of
// regression errors and cross-entropies, with Keras's formulas, defaults and names.
//
//	acc := metrics.SparseCategoricalAccuracy()
//	for batch := range batches {
//		acc.Update(batch.Labels, model(batch.X), nil)
//	}
//	fmt.Printf("accuracy %.4f\n", metrics.Value(acc))
//	acc.Reset()
//
// # State, tracing and results
//
// A [Metric] keeps its state in non-trainable autodiff.Variables ([Metric.Variables]) and
// updates it with package ops only, so [Metric.Update] runs eagerly or inside a function
// compiled by graph.Compile — a compiled evaluation step updates the metrics through
// Variable.Assign write-backs after each call — and never uses a static batch size, so one
// trace serves every batch size. [Metric.Result] computes the value from the state (a scalar,
// or a vector for per-class or per-threshold results; [Value] returns a scalar result as a
// float64), and [Metric.Reset] zeroes the state. The state is float32 by default; [WithDType]
// selects float64.
//
// Sample weights (nil for 1) weight each sample's contribution; [batch] weights for inputs of
// higher rank weight whole rows (they are broadcast along trailing axes, as Keras expands
// them). A mean counts each sample with its weight, so zero weights mask samples.
//
// # The metrics
//
// Keras name (class) — Tide constructor — the scikit-learn function the tests compare with:
//
//   - accuracy (Accuracy): [Accuracy]; accuracy_score.
//   - binary_accuracy (BinaryAccuracy): [BinaryAccuracy] with [Threshold]; accuracy_score of
//     y_pred > threshold (1 - hamming_loss for multi-label rows).
//   - categorical_accuracy (CategoricalAccuracy): [CategoricalAccuracy]; accuracy_score of the
//     argmaxes.
//   - sparse_categorical_accuracy (SparseCategoricalAccuracy): [SparseCategoricalAccuracy].
//   - top_k_categorical_accuracy (TopKCategoricalAccuracy): [TopKCategoricalAccuracy] with [K];
//     top_k_accuracy_score.
//   - sparse_top_k_categorical_accuracy (SparseTopKCategoricalAccuracy):
//     [SparseTopKCategoricalAccuracy] with [K]; top_k_accuracy_score.
//   - precision, recall (Precision, Recall): [Precision], [Recall] with [Thresholds], [TopK],
//     [ClassID]; precision_score, recall_score.
//   - true_positives, false_positives, true_negatives, false_negatives: [TruePositives],
//     [FalsePositives], [TrueNegatives], [FalseNegatives]; confusion_matrix cells.
//   - auc (AUC): [AUC] with [NumThresholds] (200), [Thresholds], [WithCurve] (ROC, PR),
//     [WithSummation] (interpolation, minoring, majoring), [FromLogits], [MultiLabel],
//     [LabelWeights]; roc_auc_score (within a computed bound, see AUC) and, for reference,
//     average_precision_score.
//   - f1_score, fbeta_score (F1Score, FBetaScore): [F1Score], [FBetaScore] with [WithAverage]
//     (none, micro, macro, weighted), [Beta], [Threshold]; f1_score, fbeta_score.
//   - mean_io_u (MeanIoU): [MeanIoU] with [IgnoreClass], [DenseTargets], [DensePredictions];
//     jaccard_score(average="macro"). [ConfusionMatrix] is the confusion-matrix helper
//     (confusion_matrix).
//   - mean, sum (Mean, Sum): [Mean], [Sum]; [MeanFunc] is Keras's MeanMetricWrapper, which
//     also turns any per-sample loss of package losses into a metric.
//   - mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
//     mean_squared_logarithmic_error, root_mean_squared_error, logcosh, cosine_similarity:
//     [MeanSquaredError], [MeanAbsoluteError], [MeanAbsolutePercentageError],
//     [MeanSquaredLogarithmicError], [RootMeanSquaredError], [LogCoshError],
//     [CosineSimilarity]; mean_squared_error, mean_absolute_error,
//     mean_absolute_percentage_error (×100), mean_squared_log_error.
//   - binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy:
//     [BinaryCrossentropy], [CategoricalCrossentropy], [SparseCategoricalCrossentropy] with
//     [FromLogits] (and [LabelSmoothing]); log_loss.
//
// [Get] finds a metric by its Keras name or alias ("acc", "mse", "AUC", ...).
//
// # Where Tide differs from Keras
//
// Keras averages the matches or errors of the last axis even for rank-1 inputs, which makes a
// whole batch of rank-1 targets a single sample of the mean; Tide treats each element of a
// rank-1 input as a sample (as scikit-learn does), and averages over the last axis for inputs of
// rank 2 and more as Keras does. The cross-entropy metrics are computed here rather than
// imported from package losses, since packages of one layer do not import each other.
//
// # Testing
//
// testdata/gen_metrics.py streams each case's data in several weighted batches of different
// sizes and records scikit-learn's value on the concatenated data, with a tolerance it
// justifies, and Keras's formula computed with NumPy where they differ (AUC, F-scores); the
// tests feed the same batches to the metrics, eagerly and in a compiled evaluation step.
package metrics
