#!/usr/bin/python3
"""Generate rnn.json: PyTorch reference outputs for the recurrent layers of package nn.

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 nn/testdata/gen_rnn.py

Each case names a layer ("SimpleRNN", "LSTM", "GRU", or "Bidirectional" of one of them), its
Keras-style arguments, the weights in Keras's layouts and in the order of Layer.Weights, the input
[batch, time, features], optional initial states and a bool mask [batch, time], and the outputs
the layer returns (the output, then the final states with return_state).

The outputs come from torch.nn.RNN / LSTM / GRU with the weights mapped from Keras's layouts:
kernel = weight_ih.T, recurrent_kernel = weight_hh.T; Keras's single SimpleRNN/LSTM bias is
PyTorch's b_ih + b_hh (b_hh is drawn too and folded in); the gate order is i, f, c(g), o in both
for LSTM, and Keras's z, r, h is PyTorch's r, z, n reordered for GRU, whose reset_after form is
PyTorch's formulation with Keras's bias [2, 3u] = (b_ih, b_hh). go_backwards runs PyTorch on the
time-reversed input and keeps its outputs in processing order, as Keras returns them.
Bidirectional cases use PyTorch's bidirectional=True modules (outputs [forward, backward] in
time order; final states h_n[0], h_n[1]) and merge them as Keras's merge modes do.

Two cases have no PyTorch module and are computed with explicit loops over PyTorch's cell
arithmetic: GRU with reset_after=False (Keras's other formulation), and masking, where Keras
keeps the states of a masked step and repeats the previous output (zeros before the first valid
step).

The file also holds "normalization": batches of data and the mean and (population) variance NumPy
computes over their concatenation for Normalization.adapt, per kept axes (nn/preprocessing_test.go).

Everything is float64, drawn from NumPy generators seeded by the CRC-32 of the case name. The file
is read by nn/recurrent_test.go and nn/preprocessing_test.go; never edit it by hand.
"""

import json
import os
import zlib

import numpy as np
import torch

torch.set_num_threads(1)
cases = []


def rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def t(r, *shape, scale=1.0):
    return torch.tensor(r.standard_normal(shape) * scale, dtype=torch.float64)


def enc(x):
    x = torch.as_tensor(x)
    if x.dtype == torch.bool:
        return {"shape": list(x.shape), "data": [1.0 if v else 0.0 for v in x.reshape(-1).tolist()]}
    x = x.detach().to(torch.float64)
    return {"shape": list(x.shape), "data": [float(v) for v in x.reshape(-1).tolist()]}


def gru_to_keras(w):
    """PyTorch's r, z, n blocks (rows of weight_*, entries of bias_*) -> Keras's z, r, h."""
    r, z, n = w.chunk(3, 0)
    return torch.cat([z, r, n], 0)


def keras_weights(kind, mod, suffix=""):
    """The Keras weights of one direction of a PyTorch RNN/LSTM/GRU module."""
    wih = getattr(mod, "weight_ih_l0" + suffix).detach()
    whh = getattr(mod, "weight_hh_l0" + suffix).detach()
    bih = getattr(mod, "bias_ih_l0" + suffix).detach()
    bhh = getattr(mod, "bias_hh_l0" + suffix).detach()
    if kind == "GRU":
        return [gru_to_keras(wih).T, gru_to_keras(whh).T, torch.stack([gru_to_keras(bih), gru_to_keras(bhh)])]
    return [wih.T, whh.T, bih + bhh]


def module(kind, r, inp, units, bidirectional=False):
    cls = {"SimpleRNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[kind]
    m = cls(inp, units, batch_first=True, bidirectional=bidirectional).double()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(t(r, *p.shape, scale=0.5))
    return m


def states_of(kind, hn):
    """PyTorch's final (h_n[, c_n]) of direction 0 as Keras's state list."""
    if kind == "LSTM":
        return [hn[0][0], hn[1][0]]
    return [hn[0]]


def add(name, layer, units, args, weights, x, outputs, states=None, mask=None, cell=None):
    c = {"name": name, "layer": layer, "units": units, "args": args,
         "weights": [enc(w) for w in weights], "input": enc(x), "outputs": [enc(o) for o in outputs]}
    if cell is not None:
        c["cell"] = cell
    if states is not None:
        c["states"] = [enc(s) for s in states]
    if mask is not None:
        c["mask"] = enc(mask)
    cases.append(c)


def unidirectional(name, kind, units, inp, batch, time, ret_seq, ret_state, back, init):
    r = rng(name)
    m = module(kind, r, inp, units)
    x = t(r, batch, time, inp)
    st = None
    hx = None
    if init:
        st = [t(r, batch, units) for _ in range(2 if kind == "LSTM" else 1)]
        hx = (st[0][None], st[1][None]) if kind == "LSTM" else st[0][None]
    xin = torch.flip(x, [1]) if back else x
    with torch.no_grad():
        y, hn = m(xin, hx)
    fin = states_of(kind, hn)
    outs = [y if ret_seq else y[:, -1]]
    if ret_state:
        outs += fin
    args = {"return_sequences": ret_seq, "return_state": ret_state, "go_backwards": back}
    add(name, kind, units, args, keras_weights(kind, m), x, outs, states=st)


def bidirectional(name, kind, units, inp, batch, time, ret_seq, mode):
    r = rng(name)
    m = module(kind, r, inp, units, bidirectional=True)
    x = t(r, batch, time, inp)
    with torch.no_grad():
        y, hn = m(x)
    if ret_seq:
        f, b = y[..., :units], y[..., units:]
    else:
        h = hn[0] if kind == "LSTM" else hn
        f, b = h[0], h[1]
    merged = {"concat": lambda: torch.cat([f, b], -1), "sum": lambda: f + b,
              "mul": lambda: f * b, "ave": lambda: (f + b) / 2}[mode]()
    weights = keras_weights(kind, m) + keras_weights(kind, m, "_reverse")
    add(name, "Bidirectional", units, {"return_sequences": ret_seq, "merge_mode": mode}, weights, x, [merged], cell=kind)


def gru_reset_before(name, units, inp, batch, time):
    """Keras's GRU with reset_after=False: h~ = tanh(x·W_h + (r·h)·U_h + b_h)."""
    r = rng(name)
    k = t(r, inp, 3 * units, scale=0.5)
    u = t(r, units, 3 * units, scale=0.5)
    b = t(r, 3 * units, scale=0.5)
    x = t(r, batch, time, inp)
    h = torch.zeros(batch, units, dtype=torch.float64)
    ys = []
    for s in range(time):
        xp = x[:, s] @ k + b
        xz, xr, xh = xp.chunk(3, -1)
        uz, ur, uh = u.chunk(3, -1)
        z = torch.sigmoid(xz + h @ uz)
        rr = torch.sigmoid(xr + h @ ur)
        hh = torch.tanh(xh + (rr * h) @ uh)
        h = z * h + (1 - z) * hh
        ys.append(h)
    add(name, "GRU", units, {"return_sequences": True, "reset_after": False}, [k, u, b], x, [torch.stack(ys, 1)])


def lstm_masked(name, units, inp, batch, time, ret_seq):
    """LSTM over a masked batch, stepping torch.nn.LSTMCell with Keras's masking rule."""
    r = rng(name)
    cell = torch.nn.LSTMCell(inp, units).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(t(r, *p.shape, scale=0.5))
    x = t(r, batch, time, inp)
    mask = torch.tensor(r.random((batch, time)) < 0.6)
    mask[0, :] = True
    mask[1, 0] = False  # a masked first step: the output stays zero
    mask[1, -1] = False  # a masked last step: the last output is the previous one
    h = torch.zeros(batch, units, dtype=torch.float64)
    c = torch.zeros(batch, units, dtype=torch.float64)
    prev = torch.zeros(batch, units, dtype=torch.float64)
    ys = []
    with torch.no_grad():
        for s in range(time):
            hn, cn = cell(x[:, s], (h, c))
            m = mask[:, s:s + 1]
            h, c = torch.where(m, hn, h), torch.where(m, cn, c)
            prev = torch.where(m, hn, prev)
            ys.append(prev)
    w = [cell.weight_ih.T, cell.weight_hh.T, cell.bias_ih + cell.bias_hh]
    outs = [torch.stack(ys, 1) if ret_seq else prev, h, c]
    add(name, "LSTM", units, {"return_sequences": ret_seq, "return_state": True}, w, x, outs, mask=mask)


unidirectional("simple_rnn_sequences", "SimpleRNN", 4, 3, 2, 5, True, False, False, False)
unidirectional("simple_rnn_backwards_state", "SimpleRNN", 3, 2, 3, 4, False, True, True, True)
unidirectional("lstm_sequences_state_init", "LSTM", 4, 3, 2, 6, True, True, False, True)
unidirectional("lstm_backwards_last", "LSTM", 3, 5, 2, 4, False, False, True, False)
unidirectional("lstm_backwards_sequences", "LSTM", 2, 3, 3, 5, True, False, True, False)
unidirectional("gru_sequences_init", "GRU", 4, 3, 2, 5, True, False, False, True)
unidirectional("gru_backwards_state", "GRU", 3, 4, 2, 6, False, True, True, False)
gru_reset_before("gru_reset_before", 3, 2, 2, 4)
bidirectional("bidirectional_lstm_concat", "LSTM", 3, 2, 2, 5, True, "concat")
bidirectional("bidirectional_gru_sum_last", "GRU", 4, 3, 3, 4, False, "sum")
bidirectional("bidirectional_rnn_ave", "SimpleRNN", 2, 3, 2, 3, True, "ave")
lstm_masked("lstm_masked_sequences", 3, 2, 3, 6, True)
lstm_masked("lstm_masked_last", 3, 2, 3, 6, False)

def normalization_case(name, keep, shapes):
    r = rng(name)
    batches = [r.standard_normal(s) * 3 + 1.5 for s in shapes]
    data = np.concatenate(batches, 0)
    reduce = tuple(a for a in range(data.ndim) if a not in keep)
    return {"name": name, "axis": list(keep), "batches": [enc(torch.tensor(b)) for b in batches],
            "mean": enc(torch.tensor(data.mean(axis=reduce))), "variance": enc(torch.tensor(data.var(axis=reduce)))}


normalization = [
    normalization_case("normalization_features", (2,), [(5, 4, 3), (7, 4, 3), (1, 4, 3)]),
    normalization_case("normalization_two_axes", (1, 2), [(6, 2, 3), (3, 2, 3)]),
]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rnn.json")
with open(out, "w") as f:
    json.dump({"generator": "nn/testdata/gen_rnn.py", "torch": torch.__version__, "cases": cases,
               "normalization": normalization}, f)
    f.write("\n")
print(f"wrote {len(cases)} cases to {out}")
