#!/usr/bin/python3
"""Generate attention.json: PyTorch reference outputs for the attention layers of package nn.

Run from the repository root with Debian's interpreter and packages (python3-torch, python3-numpy):

    /usr/bin/python3 nn/testdata/gen_attention.py

Each case names a layer ("MultiHeadAttention", "Attention", "AdditiveAttention",
"TransformerEncoder"), its arguments, its weights in Keras's layouts and in the order of
Layer.Weights, the inputs (query, value, key), optional bool masks (attention mask [batch, Tq,
Tv], query mask, value mask) and the expected output and attention weights.

MultiHeadAttention cases run torch.nn.MultiheadAttention (average_attn_weights=False) with the
projections mapped from Keras's layouts: query/key/value kernels [features, heads, key_dim] are
the transposed PyTorch projection matrices split into heads, biases [heads, key_dim], and the
output kernel [heads, value_dim, out] is out_proj.weight transposed and split the same way.
PyTorch's masks say where attention is forbidden; Keras's (and the cases') where it is allowed.
Attention over two axes (Keras's default for rank-4 inputs) is PyTorch's attention over the
flattened positions; attention_axes=(2,) of a rank-4 input is PyTorch's attention with axis 1
folded into the batch. value_dim and output_shape, which PyTorch's module cannot express, are
computed with torch.einsum and Keras's equations.

Attention and AdditiveAttention are computed with their Keras formulas in torch (scores, a -1e9
bias on padded keys, softmax, query mask). TransformerEncoder cases run
torch.nn.TransformerEncoderLayer (post-norm and norm_first, relu, no dropout) with the block's
weights in keras_hub's order: attention, attention LayerNorm, feed-forward LayerNorm, intermediate
Dense, output Dense.

Everything is float64, drawn from NumPy generators seeded by the CRC-32 of the case name. The file
is read by nn/attention_test.go; never edit it by hand.
"""

import json
import math
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


def add(name, layer, args, weights, inputs, outputs, **masks):
    c = {"name": name, "layer": layer, "args": args, "weights": [enc(w) for w in weights],
         "inputs": [enc(x) for x in inputs], "outputs": [enc(o) for o in outputs]}
    for k, v in masks.items():
        if v is not None:
            c[k] = enc(v)
    cases.append(c)


def torch_mha(r, e, h, kdim=None, vdim=None):
    m = torch.nn.MultiheadAttention(e, h, kdim=kdim, vdim=vdim, batch_first=True).double()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(t(r, *p.shape, scale=0.4))
    return m


def keras_mha_weights(m):
    """Keras's MultiHeadAttention weights of a torch.nn.MultiheadAttention."""
    e, h = m.embed_dim, m.num_heads
    d = e // h
    if m._qkv_same_embed_dim:
        wq, wk, wv = m.in_proj_weight.chunk(3, 0)
    else:
        wq, wk, wv = m.q_proj_weight, m.k_proj_weight, m.v_proj_weight
    bq, bk, bv = m.in_proj_bias.chunk(3, 0)
    out = []
    for w, b in ((wq, bq), (wk, bk), (wv, bv)):
        out += [w.T.reshape(w.shape[1], h, d), b.reshape(h, d)]
    out += [m.out_proj.weight.T.reshape(h, d, e), m.out_proj.bias]
    return [w.detach() for w in out]


def mha_case(name, e, h, batch, tq, tv, kdim=None, vdim=None, mask=None, causal=False, padding=False, value_mask_arg=False):
    r = rng(name)
    m = torch_mha(r, e, h, kdim, vdim)
    q = t(r, batch, tq, e)
    cross = kdim is not None or tv != tq
    k = t(r, batch, tv, kdim or e) if cross else q
    v = t(r, batch, tv, vdim or e) if cross else q
    allowed = torch.ones(tq, tv, dtype=torch.bool)
    if mask:
        allowed = torch.tensor(r.random((tq, tv)) < 0.7)
        allowed[:, 0] = True
    if causal:
        allowed = torch.tril(torch.ones(tq, tv, dtype=torch.bool))
    kpm = None
    if padding:
        kpm = torch.zeros(batch, tv, dtype=torch.bool)
        kpm[1, -2:] = True
    with torch.no_grad():
        y, w = m(q, k, v, key_padding_mask=kpm, attn_mask=~allowed if (mask or causal) else None,
                 average_attn_weights=False)
    inputs = [q, v] + ([k] if kdim is not None else [])
    args = {"num_heads": h, "key_dim": e // h, "use_causal_mask": causal}
    attention_mask = value_mask = None
    full = allowed[None].expand(batch, tq, tv).clone()
    if kpm is not None:
        full &= ~kpm[:, None, :]
    if value_mask_arg:
        value_mask = ~kpm
        if mask:
            attention_mask = allowed[None].expand(batch, tq, tv).clone()
    elif mask or padding:
        attention_mask = full
    add(name, "MultiHeadAttention", args, keras_mha_weights(m), inputs, [y, w],
        attention_mask=attention_mask, value_mask=value_mask)


def mha_axes_case(name, e, h, batch, d1, d2, axes):
    """Rank-4 inputs: attention over (1, 2) (default) or over axis 2 only."""
    r = rng(name)
    m = torch_mha(r, e, h)
    x = t(r, batch, d1, d2, e)
    with torch.no_grad():
        if axes is None:
            flat = x.reshape(batch, d1 * d2, e)
            y, w = m(flat, flat, flat, average_attn_weights=False)
            y = y.reshape(batch, d1, d2, e)
            w = w.reshape(batch, h, d1, d2, d1, d2)
        else:
            flat = x.reshape(batch * d1, d2, e)
            y, w = m(flat, flat, flat, average_attn_weights=False)
            y = y.reshape(batch, d1, d2, e)
            w = w.reshape(batch, d1, h, d2, d2)
    args = {"num_heads": h, "key_dim": e // h}
    if axes is not None:
        args["attention_axes"] = axes
    add(name, "MultiHeadAttention", args, keras_mha_weights(m), [x, x], [y, w])


def mha_einsum_case(name, h, key_dim, value_dim, out_dim, batch, tq, tv, eq, ev):
    """value_dim and output_shape with Keras's einsum equations."""
    r = rng(name)
    q, v = t(r, batch, tq, eq), t(r, batch, tv, ev)
    wq, bq = t(r, eq, h, key_dim, scale=0.4), t(r, h, key_dim, scale=0.4)
    wk, bk = t(r, ev, h, key_dim, scale=0.4), t(r, h, key_dim, scale=0.4)
    wv, bv = t(r, ev, h, value_dim, scale=0.4), t(r, h, value_dim, scale=0.4)
    wo, bo = t(r, h, value_dim, out_dim, scale=0.4), t(r, out_dim, scale=0.4)
    qp = torch.einsum("abc,cde->abde", q, wq) + bq
    kp = torch.einsum("abc,cde->abde", v, wk) + bk
    vp = torch.einsum("abc,cde->abde", v, wv) + bv
    scores = torch.einsum("aecd,abcd->acbe", kp, qp / math.sqrt(key_dim))
    p = torch.softmax(scores, -1)
    ctx = torch.einsum("acbe,aecd->abcd", p, vp)
    y = torch.einsum("abcd,cde->abe", ctx, wo) + bo
    args = {"num_heads": h, "key_dim": key_dim, "value_dim": value_dim, "output_shape": out_dim}
    add(name, "MultiHeadAttention", args, [wq, bq, wk, bk, wv, bv, wo, bo], [q, v], [y, p])


def luong_case(name, layer, score_mode, use_scale, batch, tq, tv, dim, masks, causal):
    r = rng(name)
    q, v, k = t(r, batch, tq, dim), t(r, batch, tv, dim), t(r, batch, tv, dim)
    weights = []
    if layer == "AdditiveAttention":
        scale = t(r, dim, scale=0.5) if use_scale else None
        scores = torch.tanh(q[:, :, None, :] + k[:, None, :, :])
        scores = (scores * scale if use_scale else scores).sum(-1)
        weights = [scale] if use_scale else []
    elif score_mode == "dot":
        scale = torch.tensor(0.7, dtype=torch.float64)
        scores = q @ k.transpose(1, 2)
        if use_scale:
            scores = scores * scale
            weights = [scale]
    else:
        scale, cw = torch.tensor(0.6, dtype=torch.float64), torch.tensor(1.3, dtype=torch.float64)
        s = q[:, :, None, :] + k[:, None, :, :]
        scores = cw * torch.tanh(scale * s if use_scale else s).sum(-1)
        weights = ([scale] if use_scale else []) + [cw]
    qmask = vmask = None
    allowed = torch.ones(batch, tq, tv, dtype=torch.bool)
    if masks:
        vmask = torch.ones(batch, tv, dtype=torch.bool)
        vmask[0, -1] = False
        vmask[1, -2:] = False
        qmask = torch.ones(batch, tq, dtype=torch.bool)
        qmask[1, -1] = False
        allowed &= vmask[:, None, :]
    if causal:
        allowed &= torch.tril(torch.ones(tq, tv, dtype=torch.bool))[None]
    scores = scores - 1e9 * (~allowed).double()
    w = torch.softmax(scores, -1)
    y = w @ v
    if qmask is not None:
        y = y * qmask[..., None].double()
    args = {"use_scale": use_scale, "score_mode": score_mode, "use_causal_mask": causal}
    add(name, layer, args, weights, [q, v, k], [y, w], query_mask=qmask, value_mask=vmask)


def encoder_case(name, d, heads, inter, batch, tlen, norm_first, padding):
    r = rng(name)
    layer = torch.nn.TransformerEncoderLayer(d, heads, dim_feedforward=inter, dropout=0.0, batch_first=True,
                                             norm_first=norm_first, layer_norm_eps=1e-5).double()
    with torch.no_grad():
        for p in layer.parameters():
            p.copy_(t(r, *p.shape, scale=0.4))
    layer.eval()
    x = t(r, batch, tlen, d)
    kpm = None
    if padding:
        kpm = torch.zeros(batch, tlen, dtype=torch.bool)
        kpm[0, -2:] = True
    with torch.no_grad():
        y = layer(x, src_key_padding_mask=kpm)
    weights = keras_mha_weights(layer.self_attn)
    weights += [layer.norm1.weight, layer.norm1.bias, layer.norm2.weight, layer.norm2.bias]
    weights += [layer.linear1.weight.T, layer.linear1.bias, layer.linear2.weight.T, layer.linear2.bias]
    mask = None
    if kpm is not None:
        mask = (~kpm)[:, None, :].expand(batch, tlen, tlen).clone()
    add(name, "TransformerEncoder", {"intermediate_dim": inter, "num_heads": heads, "normalize_first": norm_first},
        [w.detach() for w in weights], [x], [y], attention_mask=mask)


mha_case("mha_self", 8, 2, 2, 5, 5)
mha_case("mha_cross_kv_dims", 6, 3, 2, 3, 4, kdim=4, vdim=5)
mha_case("mha_attention_and_padding_masks", 8, 4, 2, 4, 4, mask=True, padding=True)
mha_case("mha_causal_value_mask", 6, 2, 2, 5, 5, causal=True, padding=True, value_mask_arg=True)
mha_axes_case("mha_two_attention_axes", 4, 2, 2, 2, 3, None)
mha_axes_case("mha_attention_axis_2", 6, 3, 2, 3, 4, [2])
mha_einsum_case("mha_value_dim_output_shape", 2, 3, 4, 5, 2, 4, 3, 6, 7)
luong_case("attention_dot", "Attention", "dot", False, 2, 3, 4, 5, False, False)
luong_case("attention_dot_scale_masks", "Attention", "dot", True, 2, 4, 5, 3, True, False)
luong_case("attention_concat_causal", "Attention", "concat", True, 2, 4, 4, 3, False, True)
luong_case("attention_concat_no_scale_masks", "Attention", "concat", False, 2, 3, 4, 2, True, False)
luong_case("additive_attention_masks", "AdditiveAttention", "dot", True, 2, 4, 5, 3, True, False)
luong_case("additive_attention_no_scale_causal", "AdditiveAttention", "dot", False, 2, 4, 4, 3, False, True)
encoder_case("transformer_encoder_post_norm", 8, 2, 16, 2, 5, False, False)
encoder_case("transformer_encoder_pre_norm_padding", 6, 3, 10, 2, 4, True, True)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attention.json")
with open(out, "w") as f:
    json.dump({"generator": "nn/testdata/gen_attention.py", "torch": torch.__version__, "cases": cases}, f)
    f.write("\n")
print(f"wrote {len(cases)} cases to {out}")
