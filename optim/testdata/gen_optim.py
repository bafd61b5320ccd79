#!/usr/bin/python3
"""Writes trajectories.json, the reference data of package optim's tests.

Run from this directory with Debian's python3-torch (1.13) and python3-numpy:

    /usr/bin/python3 gen_optim.py

Every case starts from the same three float64 parameters (shapes (3, 2), (4,) and ()) and
feeds the optimizer the same fixed gradient sequence, recording the parameters after each
step. Two kinds of reference:

* "torch": torch.optim configured to follow the same rule as Keras (for example eps=0 where
  the two put epsilon in different places). For each of these cases the NumPy transcription
  of the Keras rule below is run as well and must agree to 1e-12, which checks the
  transcription against PyTorch.
* "keras": the NumPy transcription of Keras 3's update rules (keras/src/optimizers/*.py and
  base_optimizer.py: clipping, decoupled weight decay, gradient accumulation, loss scale
  factor, schedules), for what PyTorch 1.13 lacks (Lion, FTRL), computes differently (epsilon
  placement, clipping, weight decay, momentum under a schedule) or gets wrong (NAdam, see
  pytorch/pytorch#92699).

Learning-rate schedules are the Keras formulas (keras/src/optimizers/schedules/
learning_rate_schedule.py) in plain Python floats, evaluated at a list of steps.
"""

import json
import math

import numpy as np
import torch

SHAPES = [(3, 2), (4,), ()]
STEPS = 6

rng = np.random.RandomState(20240601)
INIT = [np.asarray(rng.uniform(-1, 1, s), dtype=np.float64) for s in SHAPES]


def gradient(shape):
    # Magnitudes in [0.1, 1): no zero gradient, so eps=0 never divides 0 by 0, and Lion's sign
    # is far from its discontinuity.
    sign = rng.choice([-1.0, 1.0], size=shape)
    return np.asarray(sign * rng.uniform(0.1, 1.0, size=shape), dtype=np.float64)


GRADS = [[gradient(s) for s in SHAPES] for _ in range(STEPS)]


def flat(ws):
    return [np.asarray(w, dtype=np.float64).ravel().tolist() for w in ws]


# ---------------------------------------------------------------------------------------------
# Keras 3 schedules (learning_rate_schedule.py), as functions of the step.


def exponential_decay(c, step):
    p = step / c["decay_steps"]
    if c.get("staircase"):
        p = math.floor(p)
    return c["initial_learning_rate"] * c["decay_rate"] ** p


def inverse_time_decay(c, step):
    p = step / c["decay_steps"]
    if c.get("staircase"):
        p = math.floor(p)
    return c["initial_learning_rate"] / (1 + c["decay_rate"] * p)


def piecewise_constant_decay(c, step):
    b, v = c["boundaries"], c["values"]
    r = float(step <= b[0]) * v[0] + float(step > b[-1]) * v[-1]
    for lo, hi, val in zip(b[:-1], b[1:], v[1:-1]):
        r += float(lo < step <= hi) * val
    return r


def polynomial_decay(c, step):
    ds = c["decay_steps"]
    s = float(step)
    if c.get("cycle"):
        mult = 1.0 if s == 0 else math.ceil(s / ds)
        ds = ds * mult
    else:
        s = min(s, ds)
    p = s / ds
    return (c["initial_learning_rate"] - c["end_learning_rate"]) * (1 - p) ** c["power"] + c["end_learning_rate"]


def _cosine(step, decay_steps, alpha, from_lr):
    cd = 0.5 * (1.0 + math.cos(math.pi * (step / decay_steps)))
    return from_lr * ((1 - alpha) * cd + alpha)


def cosine_decay(c, step):
    init, ds, alpha = c["initial_learning_rate"], c["decay_steps"], c["alpha"]
    s = float(step)
    if c.get("warmup_target") is None:
        return _cosine(min(s, ds), ds, alpha, init)
    ws, target = c["warmup_steps"], c["warmup_target"]
    s = min(s, ds + ws)
    if s < ws:
        return (target - init) * (s / ws) + init
    return _cosine(s - ws, ds, alpha, target)


def cosine_decay_restarts(c, step):
    init, first = c["initial_learning_rate"], c["first_decay_steps"]
    t_mul, m_mul, alpha = c["t_mul"], c["m_mul"], c["alpha"]
    frac = step / first
    if t_mul == 1.0:
        i = math.floor(frac)
        frac -= i
    else:
        i = math.floor(math.log(1.0 - frac * (1.0 - t_mul)) / math.log(t_mul))
        sum_r = (1.0 - t_mul ** i) / (1.0 - t_mul)
        frac = (frac - sum_r) / t_mul ** i
    cd = 0.5 * m_mul ** i * (1.0 + math.cos(math.pi * frac))
    return init * ((1 - alpha) * cd + alpha)


def warmup(c, step):
    # Tide's linear warmup wrapper (not in Keras): from initial_learning_rate up to the wrapped
    # schedule's value at step 0 over warmup_steps, then the wrapped schedule shifted.
    inner, n, start = c["schedule"], c["warmup_steps"], c["initial_learning_rate"]
    if step < n:
        return start + (schedule_at(inner, 0) - start) * (step / n)
    return schedule_at(inner, step - n)


SCHEDULES = {
    "ExponentialDecay": exponential_decay,
    "InverseTimeDecay": inverse_time_decay,
    "PiecewiseConstantDecay": piecewise_constant_decay,
    "PolynomialDecay": polynomial_decay,
    "CosineDecay": cosine_decay,
    "CosineDecayRestarts": cosine_decay_restarts,
    "Warmup": warmup,
}


def schedule_at(s, step):
    return SCHEDULES[s["class_name"]](s["config"], step)


def learning_rate(config, iterations):
    lr = config["learning_rate"]
    if isinstance(lr, dict):
        return schedule_at(lr, iterations)
    return lr


# ---------------------------------------------------------------------------------------------
# Keras 3 update rules (update_step of each optimizer), with Keras's defaults.

DEFAULTS = {
    "SGD": dict(learning_rate=0.01, momentum=0.0, nesterov=False),
    "Adam": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False),
    "AdamW": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, weight_decay=0.004),
    "Adamax": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
    "Nadam": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
    "RMSprop": dict(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False),
    "Adagrad": dict(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7),
    "Adadelta": dict(learning_rate=0.001, rho=0.95, epsilon=1e-7),
    "Lion": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.99),
    "Ftrl": dict(learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0),
}


def slots(kind, h, w):
    z = np.zeros_like(w)
    if kind == "SGD":
        return {"m": z.copy()}
    if kind in ("Adam", "AdamW", "Nadam"):
        return {"m": z.copy(), "v": z.copy(), "vhat": z.copy()}
    if kind == "Adamax":
        return {"m": z.copy(), "u": z.copy()}
    if kind == "RMSprop":
        return {"a": z.copy(), "mom": z.copy(), "avg": z.copy()}
    if kind == "Adagrad":
        return {"a": np.full_like(w, h["initial_accumulator_value"])}
    if kind == "Adadelta":
        return {"ag": z.copy(), "ad": z.copy()}
    if kind == "Lion":
        return {"m": z.copy()}
    if kind == "Ftrl":
        return {"n": np.full_like(w, h["initial_accumulator_value"]), "z": z.copy()}
    raise ValueError(kind)


def nadam_mu(b1, t):
    return b1 * (1.0 - 0.5 * 0.96 ** t)


def update(kind, h, w, g, s, lr, t, glob):
    if kind == "SGD":
        mu = h["momentum"]
        if mu == 0:
            return w - g * lr
        s["m"] = s["m"] * mu - g * lr
        if h["nesterov"]:
            return w + (s["m"] * mu - g * lr)
        return w + s["m"]
    if kind in ("Adam", "AdamW"):
        b1, b2 = h["beta_1"], h["beta_2"]
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        s["m"] = s["m"] + (g - s["m"]) * (1 - b1)
        s["v"] = s["v"] + (g * g - s["v"]) * (1 - b2)
        v = s["v"]
        if h["amsgrad"]:
            s["vhat"] = np.maximum(s["vhat"], s["v"])
            v = s["vhat"]
        return w - (s["m"] * alpha) / (np.sqrt(v) + h["epsilon"])
    if kind == "Adamax":
        b1, b2 = h["beta_1"], h["beta_2"]
        s["m"] = s["m"] + (g - s["m"]) * (1 - b1)
        s["u"] = np.maximum(b2 * s["u"], np.abs(g))
        return w - (lr * s["m"]) / ((1 - b1 ** t) * (s["u"] + h["epsilon"]))
    if kind == "Nadam":
        b1, b2 = h["beta_1"], h["beta_2"]
        ut, ut1 = nadam_mu(b1, t), nadam_mu(b1, t + 1)
        prod = glob["u_product"]  # already multiplied by u_t for this step
        prod1 = prod * ut1
        s["m"] = s["m"] + (g - s["m"]) * (1 - b1)
        s["v"] = s["v"] + (g * g - s["v"]) * (1 - b2)
        mhat = ut1 * s["m"] / (1 - prod1) + (1 - ut) * g / (1 - prod)
        vhat = s["v"] / (1 - b2 ** t)
        return w - mhat * lr / (np.sqrt(vhat) + h["epsilon"])
    if kind == "RMSprop":
        rho = h["rho"]
        s["a"] = rho * s["a"] + (1 - rho) * g * g
        if h["centered"]:
            s["avg"] = rho * s["avg"] + (1 - rho) * g
            denom = s["a"] - s["avg"] ** 2 + h["epsilon"]
        else:
            denom = s["a"] + h["epsilon"]
        inc = lr * g / np.sqrt(denom)
        if h["momentum"] > 0:
            s["mom"] = h["momentum"] * s["mom"] + inc
            return w - s["mom"]
        return w - inc
    if kind == "Adagrad":
        s["a"] = s["a"] + g * g
        return w - lr * g / np.sqrt(s["a"] + h["epsilon"])
    if kind == "Adadelta":
        rho, eps = h["rho"], h["epsilon"]
        s["ag"] = rho * s["ag"] + (1 - rho) * g * g
        delta = -np.sqrt(s["ad"] + eps) * g / np.sqrt(s["ag"] + eps)
        s["ad"] = rho * s["ad"] + (1 - rho) * delta * delta
        return w + lr * delta
    if kind == "Lion":
        b1, b2 = h["beta_1"], h["beta_2"]
        w = w - lr * np.sign(s["m"] * b1 + g * (1 - b1))
        s["m"] = s["m"] * b2 + g * (1 - b2)
        return w
    if kind == "Ftrl":
        p = h["learning_rate_power"]
        l2 = h["l2_regularization_strength"] + h["beta"] / (2.0 * lr)
        gs = g + 2 * h["l2_shrinkage_regularization_strength"] * w
        n_new = s["n"] + g * g
        s["z"] = s["z"] + (gs - (n_new ** -p - s["n"] ** -p) / lr * w)
        quadratic = n_new ** -p / lr + 2 * l2
        l1 = h["l1_regularization_strength"]
        w = (np.clip(s["z"], -l1, l1) - s["z"]) / quadratic
        s["n"] = n_new
        return w
    raise ValueError(kind)


def clip(grads, c):
    if c.get("clipnorm"):
        cn = c["clipnorm"]
        return [g * cn / max(math.sqrt(float(np.sum(g * g))), cn) for g in grads]
    if c.get("global_clipnorm"):
        cn = c["global_clipnorm"]
        norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
        scale = cn * min(1.0 / norm, 1.0 / cn)
        return [g * scale for g in grads]
    if c.get("clipvalue"):
        v = c["clipvalue"]
        return [np.clip(g, -v, v) for g in grads]
    return grads


def run_keras(kind, config, grads=GRADS):
    """Keras 3's BaseOptimizer.apply with update_step, in NumPy float64."""
    h = dict(DEFAULTS[kind])
    h.update(config)
    w = [x.copy() for x in INIT]
    s = [slots(kind, h, x) for x in w]
    acc = [np.zeros_like(x) for x in w]
    glob = {"u_product": 1.0}
    iterations = 0
    n = h.get("gradient_accumulation_steps")
    out = []
    for gs in grads:
        gs = [np.array(g, dtype=np.float64) for g in gs]
        if h.get("loss_scale_factor"):
            gs = [g / h["loss_scale_factor"] for g in gs]
        lr = learning_rate(h, iterations)
        if n:
            summed = [a + g for a, g in zip(acc, gs)]
            if (iterations + 1) % n != 0:
                acc = summed
                iterations += 1
                out.append(flat(w))
                continue
            gs = [x / n for x in summed]
            acc = [np.zeros_like(x) for x in w]
            t = iterations // n + 1
        else:
            t = iterations + 1
        gs = clip(gs, h)
        if h.get("weight_decay"):
            w = [x - x * h["weight_decay"] * lr for x in w]
        if kind == "Nadam":
            glob["u_product"] *= nadam_mu(h["beta_1"], t)
        w = [update(kind, h, w[i], gs[i], s[i], lr, t, glob) for i in range(len(w))]
        iterations += 1
        out.append(flat(w))
    return out


def run_torch(make, lr_at=None, grads=GRADS):
    params = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in INIT]
    opt = make(params)
    out = []
    for step, gs in enumerate(grads):
        if lr_at is not None:
            for group in opt.param_groups:
                group["lr"] = lr_at(step)
        for p, g in zip(params, gs):
            p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        out.append(flat([p.detach().numpy() for p in params]))
    return out


def close(a, b, tol):
    for sa, sb in zip(a, b):
        for pa, pb in zip(sa, sb):
            for x, y in zip(pa, pb):
                if abs(x - y) > tol * max(1.0, abs(y)):
                    return False
    return True


CASES = []


def torch_case(name, kind, config, make, ref, lr_at=None):
    traj = run_torch(make, lr_at)
    keras = run_keras(kind, config)
    assert close(keras, traj, 1e-12), f"{name}: the NumPy Keras rule disagrees with {ref}"
    CASES.append(dict(name=name, source="torch", reference=ref,
                      optimizer=dict(class_name=kind, config=config), trajectory=traj))


def keras_case(name, kind, config, note):
    CASES.append(dict(name=name, source="keras", reference=note,
                      optimizer=dict(class_name=kind, config=config), trajectory=run_keras(kind, config)))


O = torch.optim

torch_case("sgd", "SGD", dict(learning_rate=0.1), lambda p: O.SGD(p, lr=0.1), "torch.optim.SGD(lr=0.1)")
torch_case("sgd_momentum", "SGD", dict(learning_rate=0.1, momentum=0.9),
           lambda p: O.SGD(p, lr=0.1, momentum=0.9), "torch.optim.SGD(lr=0.1, momentum=0.9)")
torch_case("sgd_nesterov", "SGD", dict(learning_rate=0.1, momentum=0.9, nesterov=True),
           lambda p: O.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
           "torch.optim.SGD(lr=0.1, momentum=0.9, nesterov=True)")
torch_case("adam_eps0", "Adam", dict(learning_rate=0.01, epsilon=0.0),
           lambda p: O.Adam(p, lr=0.01, eps=0.0), "torch.optim.Adam(lr=0.01, eps=0)")
torch_case("adam_amsgrad_eps0", "Adam", dict(learning_rate=0.01, epsilon=0.0, amsgrad=True),
           lambda p: O.Adam(p, lr=0.01, eps=0.0, amsgrad=True), "torch.optim.Adam(lr=0.01, eps=0, amsgrad=True)")
torch_case("adamw_eps0", "AdamW", dict(learning_rate=0.01, epsilon=0.0, weight_decay=0.1),
           lambda p: O.AdamW(p, lr=0.01, eps=0.0, weight_decay=0.1),
           "torch.optim.AdamW(lr=0.01, eps=0, weight_decay=0.1)")
torch_case("adamax_eps0", "Adamax", dict(learning_rate=0.01, epsilon=0.0),
           lambda p: O.Adamax(p, lr=0.01, eps=0.0), "torch.optim.Adamax(lr=0.01, eps=0)")
torch_case("rmsprop_eps0", "RMSprop", dict(learning_rate=0.01, epsilon=0.0),
           lambda p: O.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0), "torch.optim.RMSprop(lr=0.01, alpha=0.9, eps=0)")
torch_case("rmsprop_centered_momentum_eps0", "RMSprop",
           dict(learning_rate=0.01, epsilon=0.0, momentum=0.5, centered=True),
           lambda p: O.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0, momentum=0.5, centered=True),
           "torch.optim.RMSprop(lr=0.01, alpha=0.9, eps=0, momentum=0.5, centered=True)")
torch_case("adagrad_eps0", "Adagrad", dict(learning_rate=0.1, epsilon=0.0),
           lambda p: O.Adagrad(p, lr=0.1, initial_accumulator_value=0.1, eps=0.0),
           "torch.optim.Adagrad(lr=0.1, initial_accumulator_value=0.1, eps=0)")
torch_case("adadelta", "Adadelta", dict(learning_rate=1.0, epsilon=1e-6),
           lambda p: O.Adadelta(p, lr=1.0, rho=0.95, eps=1e-6), "torch.optim.Adadelta(lr=1.0, rho=0.95, eps=1e-6)")

COSINE = dict(class_name="CosineDecay", config=dict(initial_learning_rate=0.01, decay_steps=4, alpha=0.1,
                                                     name="CosineDecay", warmup_target=None, warmup_steps=0))
torch_case("adam_cosine_decay_eps0", "Adam", dict(learning_rate=COSINE, epsilon=0.0),
           lambda p: O.Adam(p, lr=0.01, eps=0.0),
           "torch.optim.Adam(lr=0.01, eps=0) with each step's lr set to Keras CosineDecay(0.01, 4, alpha=0.1) "
           "at the iteration count before the step", lr_at=lambda step: schedule_at(COSINE, step))

keras_case("adam", "Adam", dict(learning_rate=0.01), "Keras Adam: epsilon 1e-7 added to sqrt(v) before bias correction")
keras_case("adamax", "Adamax", dict(learning_rate=0.01), "Keras Adamax: epsilon added to u, not inside the max")
keras_case("nadam", "Nadam", dict(learning_rate=0.01),
           "Keras Nadam = torch>=2.0 NAdam(momentum_decay=1); torch 1.13 double-counts mu (pytorch#92699)")
keras_case("nadam_accumulate", "Nadam", dict(learning_rate=0.01, gradient_accumulation_steps=3),
           "Keras Nadam with gradient_accumulation_steps=3")
keras_case("rmsprop", "RMSprop", dict(learning_rate=0.01), "Keras RMSprop: epsilon inside the square root")
keras_case("adagrad", "Adagrad", dict(learning_rate=0.1), "Keras Adagrad: epsilon inside the square root")
keras_case("lion", "Lion", dict(learning_rate=0.01), "Keras Lion (Chen et al. 2023); no torch 1.13 counterpart")
keras_case("lion_weight_decay", "Lion", dict(learning_rate=0.01, weight_decay=0.5), "Keras Lion, decoupled weight decay")
keras_case("ftrl", "Ftrl", dict(learning_rate=0.1), "Keras Ftrl defaults (McMahan et al. 2013); no torch counterpart")
keras_case("ftrl_regularized", "Ftrl",
           dict(learning_rate=0.1, initial_accumulator_value=0.2, l1_regularization_strength=0.8,
                l2_regularization_strength=0.1, l2_shrinkage_regularization_strength=0.02, beta=0.5),
           "Keras Ftrl with l1, l2, l2 shrinkage and beta")
keras_case("ftrl_fixed_rate", "Ftrl", dict(learning_rate=0.1, learning_rate_power=0.0, l1_regularization_strength=0.3),
           "Keras Ftrl with learning_rate_power 0")
keras_case("sgd_momentum_schedule", "SGD",
           dict(learning_rate=dict(class_name="ExponentialDecay",
                                   config=dict(initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5,
                                               staircase=True, name="ExponentialDecay")),
                momentum=0.9),
           "Keras SGD momentum under a schedule (each step's rate folded into the velocity; torch differs)")
keras_case("sgd_clipnorm", "SGD", dict(learning_rate=0.1, clipnorm=0.5), "Keras clipnorm: g*c/max(|g|, c) per variable")
keras_case("sgd_clipvalue", "SGD", dict(learning_rate=0.1, clipvalue=0.3), "Keras clipvalue")
keras_case("sgd_global_clipnorm", "SGD", dict(learning_rate=0.1, global_clipnorm=0.8), "Keras global_clipnorm")
keras_case("sgd_weight_decay", "SGD", dict(learning_rate=0.1, weight_decay=0.2),
           "Keras decoupled weight decay w -= w*wd*lr (torch SGD's weight_decay is coupled L2)")
keras_case("adam_accumulate", "Adam", dict(learning_rate=0.01, gradient_accumulation_steps=2),
           "Keras gradient_accumulation_steps=2: mean of 2 gradients, bias correction counts updates")
keras_case("sgd_loss_scale_factor", "SGD", dict(learning_rate=0.1, momentum=0.5, loss_scale_factor=4.0),
           "Keras loss_scale_factor: gradients divided by 4")

SCHEDULE_CASES = [
    ("exponential", dict(class_name="ExponentialDecay", config=dict(
        initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False, name="ExponentialDecay"))),
    ("exponential_staircase", dict(class_name="ExponentialDecay", config=dict(
        initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True, name="ExponentialDecay"))),
    ("inverse_time", dict(class_name="InverseTimeDecay", config=dict(
        initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5, staircase=False, name="InverseTimeDecay"))),
    ("inverse_time_staircase", dict(class_name="InverseTimeDecay", config=dict(
        initial_learning_rate=0.1, decay_steps=5, decay_rate=0.5, staircase=True, name="InverseTimeDecay"))),
    ("piecewise", dict(class_name="PiecewiseConstantDecay", config=dict(
        boundaries=[5, 12, 20], values=[1.0, 0.5, 0.1, 0.01], name="PiecewiseConstant"))),
    ("polynomial", dict(class_name="PolynomialDecay", config=dict(
        initial_learning_rate=0.1, decay_steps=20, end_learning_rate=0.01, power=0.5, cycle=False,
        name="PolynomialDecay"))),
    ("polynomial_cycle", dict(class_name="PolynomialDecay", config=dict(
        initial_learning_rate=0.1, decay_steps=7, end_learning_rate=0.001, power=2.0, cycle=True,
        name="PolynomialDecay"))),
    ("cosine", dict(class_name="CosineDecay", config=dict(
        initial_learning_rate=0.1, decay_steps=20, alpha=0.1, name="CosineDecay", warmup_target=None,
        warmup_steps=0))),
    ("cosine_warmup", dict(class_name="CosineDecay", config=dict(
        initial_learning_rate=0.0, decay_steps=20, alpha=0.0, name="CosineDecay", warmup_target=0.1,
        warmup_steps=6))),
    ("cosine_restarts", dict(class_name="CosineDecayRestarts", config=dict(
        initial_learning_rate=0.1, first_decay_steps=5, t_mul=2.0, m_mul=0.5, alpha=0.05, name="SGDRDecay"))),
    ("cosine_restarts_tmul1", dict(class_name="CosineDecayRestarts", config=dict(
        initial_learning_rate=0.1, first_decay_steps=6, t_mul=1.0, m_mul=0.8, alpha=0.0, name="SGDRDecay"))),
    ("warmup_exponential", dict(class_name="Warmup", config=dict(
        schedule=dict(class_name="ExponentialDecay", config=dict(
            initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=False, name="ExponentialDecay")),
        warmup_steps=4, initial_learning_rate=0.0))),
]
SCHEDULE_STEPS = list(range(0, 50)) + [99, 100, 1000, 12345]


def main():
    data = dict(
        shapes=[list(s) for s in SHAPES],
        initial=flat(INIT),
        gradients=[flat(gs) for gs in GRADS],
        cases=CASES,
        schedules=[dict(name=n, schedule=s, steps=SCHEDULE_STEPS,
                        values=[schedule_at(s, k) for k in SCHEDULE_STEPS]) for n, s in SCHEDULE_CASES],
    )
    with open("trajectories.json", "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print(f"wrote {len(CASES)} optimizer cases and {len(SCHEDULE_CASES)} schedules "
          f"(torch {torch.__version__}, numpy {np.__version__})")


if __name__ == "__main__":
    main()
