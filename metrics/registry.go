package metrics

import (
	"fmt"
	"slices"
	"strings"
)

// constructors maps Keras metric names (the snake_case names, class names and short aliases
// Keras's compile accepts) to constructors.
var constructors = map[string]func(...Option) Metric{}

func register[M Metric](fn func(...Option) M, names ...string) {
	for _, n := range names {
		constructors[n] = func(opts ...Option) Metric { return fn(opts...) }
	}
}

func init() {
	register(Accuracy, "accuracy", "Accuracy", "acc")
	register(BinaryAccuracy, "binary_accuracy", "BinaryAccuracy")
	register(CategoricalAccuracy, "categorical_accuracy", "CategoricalAccuracy")
	register(SparseCategoricalAccuracy, "sparse_categorical_accuracy", "SparseCategoricalAccuracy")
	register(TopKCategoricalAccuracy, "top_k_categorical_accuracy", "TopKCategoricalAccuracy")
	register(SparseTopKCategoricalAccuracy, "sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy")
	register(Precision, "precision", "Precision")
	register(Recall, "recall", "Recall")
	register(TruePositives, "true_positives", "TruePositives")
	register(FalsePositives, "false_positives", "FalsePositives")
	register(TrueNegatives, "true_negatives", "TrueNegatives")
	register(FalseNegatives, "false_negatives", "FalseNegatives")
	register(AUC, "auc", "AUC")
	register(F1Score, "f1_score", "F1Score")
	register(FBetaScore, "fbeta_score", "FBetaScore")
	register(Mean, "mean", "Mean")
	register(Sum, "sum", "Sum")
	register(MeanSquaredError, "mean_squared_error", "MeanSquaredError", "mse")
	register(MeanAbsoluteError, "mean_absolute_error", "MeanAbsoluteError", "mae")
	register(MeanAbsolutePercentageError, "mean_absolute_percentage_error", "MeanAbsolutePercentageError", "mape")
	register(MeanSquaredLogarithmicError, "mean_squared_logarithmic_error", "MeanSquaredLogarithmicError", "msle")
	register(RootMeanSquaredError, "root_mean_squared_error", "RootMeanSquaredError", "rmse")
	register(LogCoshError, "logcosh", "log_cosh", "LogCoshError")
	register(CosineSimilarity, "cosine_similarity", "CosineSimilarity")
	register(BinaryCrossentropy, "binary_crossentropy", "BinaryCrossentropy")
	register(CategoricalCrossentropy, "categorical_crossentropy", "CategoricalCrossentropy")
	register(SparseCategoricalCrossentropy, "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy")
}

// Get returns the metric Keras knows by name ("accuracy", "AUC", "mse", ...), built with opts.
// Keras's compile resolves "accuracy" to the binary, categorical or sparse variant from the
// loss and the shapes; that choice is the caller's (Get returns the exact-match Accuracy).
// MeanIoU is not listed: it needs the number of classes. It returns an error for an unknown
// name.
func Get(name string, opts ...Option) (Metric, error) {
	fn, ok := constructors[name]
	if !ok {
		return nil, fmt.Errorf("metrics: unknown metric %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	return fn(opts...), nil
}

// Names returns the names Get accepts, sorted.
func Names() []string {
	names := make([]string, 0, len(constructors))
	for n := range constructors {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
