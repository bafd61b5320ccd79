"""Writes format.json: arrays and the text NumPy's str() gives for them, the golden data for
tensor.String. Run with Debian's python3-numpy: /usr/bin/python3 tensor/testdata/gen_format.py"""
import json, os
import numpy as np

rng = np.random.default_rng(7)
cases = {
    "float_ints": np.array([1., 2., 3.]),
    "float_mixed": np.array([1.5, 2.25, 3.]),
    "float32_small_large": np.array([0.1, 100.], dtype=np.float32),
    "nan_inf": np.array([np.nan, 1.5, -np.inf]),
    "sci_small": np.array([1.5e-5, 1.]),
    "sci_ratio": np.array([1e-5, 1., 123.]),
    "sci_big": np.array([-1.5e10, 2.]),
    "wrap": np.arange(30.),
    "summarised_2d": np.arange(2000.).reshape(40, 50),
    "int_3d": np.arange(24).reshape(2, 3, 4).astype(np.int64),
    "int32_neg": np.array([[-5, 10], [300, -7]], dtype=np.int32),
    "bool": np.array([True, False]),
    "bool_all_true": np.array([True, True]),
    "scalar": np.array(3.5),
    "empty": np.zeros((0,)),
    "random_f32": rng.standard_normal((3, 4)).astype(np.float32),
    "random_f64": rng.standard_normal((2, 3)),
    "thirds": np.array([1 / 3, 2 / 3]),
    "summarised_1d": np.arange(1500, dtype=np.int64),
    "summarised_3d": np.arange(2 * 30 * 30, dtype=np.int64).reshape(2, 30, 30),
    "negative_floats": np.array([[-1.25, 3.5], [10., -0.5]]),
    "zeros": np.zeros((2, 2)),
}
out = []
for name, a in cases.items():
    out.append({
        "name": name,
        "dtype": str(a.dtype),
        "shape": list(a.shape),
        "data": [x if np.isfinite(x) else str(x) for x in a.astype(np.float64).ravel().tolist()],
        "str": str(a),
    })
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "format.json"), "w") as f:
    json.dump({"numpy": np.__version__, "cases": out}, f, indent=0)
    f.write("\n")
