package losses

import (
	"fmt"
	"slices"
	"strings"
)

// constructors maps the Keras names of the losses (snake_case function names, the class
// names, and the legacy aliases such as "mse") to their constructors.
var constructors = map[string]func(...Option) *Func{}

func register(fn func(...Option) *Func, names ...string) {
	for _, n := range names {
		constructors[n] = fn
	}
}

func init() {
	register(MeanSquaredError, "mean_squared_error", "MeanSquaredError", "mse", "MSE")
	register(MeanAbsoluteError, "mean_absolute_error", "MeanAbsoluteError", "mae", "MAE")
	register(MeanAbsolutePercentageError, "mean_absolute_percentage_error", "MeanAbsolutePercentageError", "mape", "MAPE")
	register(MeanSquaredLogarithmicError, "mean_squared_logarithmic_error", "MeanSquaredLogarithmicError", "msle", "MSLE")
	register(Huber, "huber", "huber_loss", "Huber")
	register(LogCosh, "log_cosh", "logcosh", "LogCosh")
	register(CosineSimilarity, "cosine_similarity", "CosineSimilarity")
	register(BinaryCrossentropy, "binary_crossentropy", "BinaryCrossentropy")
	register(BinaryFocalCrossentropy, "binary_focal_crossentropy", "BinaryFocalCrossentropy")
	register(CategoricalCrossentropy, "categorical_crossentropy", "CategoricalCrossentropy")
	register(CategoricalFocalCrossentropy, "categorical_focal_crossentropy", "CategoricalFocalCrossentropy")
	register(SparseCategoricalCrossentropy, "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy")
	register(KLDivergence, "kl_divergence", "kld", "KLD", "kullback_leibler_divergence", "KLDivergence")
	register(Poisson, "poisson", "Poisson")
	register(Hinge, "hinge", "Hinge")
	register(SquaredHinge, "squared_hinge", "SquaredHinge")
	register(CategoricalHinge, "categorical_hinge", "CategoricalHinge")
	register(CTC, "ctc", "CTC")
}

// Get returns the loss Keras knows by name — a function name ("sparse_categorical_crossentropy"),
// a class name ("SparseCategoricalCrossentropy") or a legacy alias ("mse", "kld") — built with
// opts, as keras.losses.get does for the strings passed to compile. It returns an error for an
// unknown name; an option the loss does not take panics as in its constructor.
func Get(name string, opts ...Option) (*Func, error) {
	fn, ok := constructors[name]
	if !ok {
		return nil, fmt.Errorf("losses: unknown loss %q (known: %s)", name, strings.Join(Names(), ", "))
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
