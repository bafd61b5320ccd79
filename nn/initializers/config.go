package initializers

import "fmt"

// FromConfig returns the initializer a Keras serialisation describes ({"class_name":
// "VarianceScaling", "config": {"scale": 2, "mode": "fan_in", ...}}, as Config writes it), with
// Keras's defaults for missing arguments and the seed applied with [Seeded] when set. It returns
// an error for an unknown class or an argument of the wrong type.
func FromConfig(cfg map[string]any) (init Initializer, err error) {
	class, _ := cfg["class_name"].(string)
	args, _ := cfg["config"].(map[string]any)
	num := func(key string, def float64) float64 {
		if v, ok := args[key]; ok && v != nil {
			f, ok := toFloat(v)
			if !ok && err == nil {
				err = fmt.Errorf("initializers: %s %s is %T, want a number", class, key, v)
			}
			return f
		}
		return def
	}
	str := func(key, def string) string {
		if s, ok := args[key].(string); ok {
			return s
		}
		return def
	}
	switch class {
	case "Zeros":
		init = Zeros()
	case "Ones":
		init = Ones()
	case "Constant":
		init = Constant(num("value", 0))
	case "RandomUniform":
		init = RandomUniform(num("minval", -0.05), num("maxval", 0.05))
	case "RandomNormal":
		init = RandomNormal(num("mean", 0), num("stddev", 0.05))
	case "TruncatedNormal":
		init = TruncatedNormal(num("mean", 0), num("stddev", 0.05))
	case "GlorotUniform":
		init = GlorotUniform()
	case "GlorotNormal":
		init = GlorotNormal()
	case "HeUniform":
		init = HeUniform()
	case "HeNormal":
		init = HeNormal()
	case "LecunUniform":
		init = LecunUniform()
	case "LecunNormal":
		init = LecunNormal()
	case "VarianceScaling":
		mode, dist := FanMode(str("mode", "fan_in")), Distribution(str("distribution", "truncated_normal"))
		switch mode {
		case FanIn, FanOut, FanAvg:
		default:
			return nil, fmt.Errorf("initializers: unknown VarianceScaling mode %q", mode)
		}
		switch dist {
		case TruncatedNormalDist, UntruncatedNormalDist, UniformDist, "normal":
		default:
			return nil, fmt.Errorf("initializers: unknown VarianceScaling distribution %q", dist)
		}
		scale := num("scale", 1)
		if scale <= 0 {
			return nil, fmt.Errorf("initializers: VarianceScaling scale must be positive, got %v", scale)
		}
		init = VarianceScaling(scale, mode, dist)
	case "Orthogonal":
		init = Orthogonal(num("gain", 1))
	case "IdentityInitializer", "Identity":
		init = Identity(num("gain", 1))
	default:
		return nil, fmt.Errorf("initializers: unknown initializer class %q", class)
	}
	if err != nil {
		return nil, err
	}
	if s, ok := args["seed"]; ok && s != nil {
		f, ok := toFloat(s)
		if !ok || f < 0 {
			return nil, fmt.Errorf("initializers: %s seed %v is not a non-negative integer", class, s)
		}
		init = Seeded(init, uint64(f))
	}
	return init, nil
}

func toFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case uint64:
		return float64(v), true
	}
	return 0, false
}
