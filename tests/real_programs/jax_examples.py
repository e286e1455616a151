"""Programs from JAX's examples/ directory and documentation.

Sources (jax-ml/jax at 3bd8ca480a5ed0d88c19a821d53324759db0bc35): examples/
mnist_classifier_fromscratch.py, examples/advi.py, docs/automatic-differentiation.md,
docs/advanced-autodiff.md, docs/gradient-checkpointing.md, docs/key-concepts.md.
`jax.numpy as jnp` became numpy (`jnp = np`, so the code reads as written);
jax.grad/jvp became srcad.grad/jvp, jax.scipy became scipy; the data are small seeded
arrays.
"""
# ruff: noqa: B008, E731, N802, N803, N806

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp
from scipy.stats import norm

from srcad import grad, jvp

from . import Program
from ._data import JAX, rng

jnp = np
PROGRAMS: list[Program] = []


def add(name, fn, args, path, exercises, **kw):
    PROGRAMS.append(Program(name, fn, args, JAX + path, exercises, **kw))


# ------------------------------------------ examples/mnist_classifier_fromscratch.py
def init_random_params(scale, layer_sizes, rng=np.random.RandomState(0)):
    return [
        (scale * rng.randn(m, n), scale * rng.randn(n))
        for m, n in zip(layer_sizes[:-1], layer_sizes[1:])
    ]


def predict(params, inputs):
    activations = inputs
    for w, b in params[:-1]:
        outputs = jnp.dot(activations, w) + b
        activations = jnp.tanh(outputs)

    final_w, final_b = params[-1]
    logits = jnp.dot(activations, final_w) + final_b
    return logits - logsumexp(logits, axis=1, keepdims=True)


def loss(params, batch):
    inputs, targets = batch
    preds = predict(params, inputs)
    return -jnp.mean(jnp.sum(preds * targets, axis=1))


add(
    "jax_mnist_fromscratch",
    loss,
    (
        init_random_params(0.5, [4, 5, 3]),
        (rng(40).standard_normal((6, 4)), np.eye(3)[rng(41).integers(0, 3, 6)]),
    ),
    "examples/mnist_classifier_fromscratch.py",
    "a (inputs, targets) batch tuple unpacked, params[:-1] and params[-1] of a list",
)


# ---------------------------------------------------------------- examples/advi.py
def funnel_log_density(params):
    return norm.logpdf(params[0], 0, jnp.exp(params[1])) + norm.logpdf(params[1], 0, 1.35)


add(
    "jax_advi_funnel",
    funnel_log_density,
    (np.array([0.4, -0.3]),),
    "examples/advi.py",
    "norm.logpdf with a differentiated scale, scalar indexing",
)


# ---------------------------------------------------------------- docs/automatic-differentiation.md
def sigmoid(x):
    return 0.5 * (jnp.tanh(x / 2) + 1)


# Outputs probability of a label being true.
def predict_lr(W, b, inputs):
    return sigmoid(jnp.dot(inputs, W) + b)


# Build a toy dataset.
inputs = jnp.array(
    [[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.30], [0.74, -2.49, 1.39]]
)
targets = jnp.array([True, True, False, True])


# Training loss is the negative log-likelihood of the training examples.
def loss_lr(W, b):
    preds = predict_lr(W, b, inputs)
    label_probs = preds * targets + (1 - preds) * (1 - targets)
    return -jnp.sum(jnp.log(label_probs))


def loss2(params_dict):
    preds = predict_lr(params_dict["W"], params_dict["b"], inputs)
    label_probs = preds * targets + (1 - preds) * (1 - targets)
    return -jnp.sum(jnp.log(label_probs))


_W, _b = rng(42).standard_normal(3), 0.3
add(
    "jax_logistic_loss",
    loss_lr,
    (_W, _b),
    "docs/automatic-differentiation.md",
    "two differentiated arguments (argnums=(0, 1)), a float bias, global data",
    argnums=(0, 1),
)
add(
    "jax_logistic_loss_dict",
    loss2,
    ({"W": _W, "b": np.array(_b)},),
    "docs/automatic-differentiation.md",
    "a dict of parameters (pytree argument)",
)


# ---------------------------------------------------------------- docs/gradient-checkpointing.md
def loss_ckpt(params, x, y):
    return jnp.sum((predict_ckpt(params, x) - y) ** 2)


def predict_ckpt(params, x):
    *Ws, Wlast = params
    for W in Ws:
        x = layer(W, x)
    x = jnp.dot(Wlast, x)
    return x


def layer(W, x):
    return jnp.sin(jnp.dot(W, x))


add(
    "jax_checkpoint_mlp",
    loss_ckpt,
    ([0.5 * rng(43 + i).standard_normal((4, 4)) for i in range(3)], jnp.ones(4), jnp.ones(4)),
    "docs/gradient-checkpointing.md",
    "starred assignment *Ws, Wlast = params (item 2), a loop over the starred list",
)


# ---------------------------------------------------------------- docs/key-concepts.md
def selu(x, alpha=1.67, lambda_=1.05):
    return lambda_ * jnp.where(x > 0, x, alpha * jnp.exp(x) - alpha)


add(
    "jax_selu",
    selu,
    (np.array([-1.3, -0.2, 0.4, 2.0]),),
    "docs/key-concepts.md",
    "where on a comparison, default parameters",
)


# ---------------------------------------------------------------- docs/advanced-autodiff.md
def f(X):
    return jnp.sum(jnp.tanh(X) ** 2)


def hvp_revrev_closure(f, x, v):
    return grad(lambda x: jnp.vdot(grad(f)(x), v))(x)


# forward-over-reverse
def hvp(f, primals, tangents):
    return jvp(grad(f), primals, tangents)[1]


# Reverse-over-forward
def hvp_revfwd(f, primals, tangents):
    g = lambda primals: jvp(f, primals, tangents)[1]
    return grad(g)(primals)


# Reverse-over-reverse, only works for single arguments
def hvp_revrev(f, primals, tangents):
    (x,) = primals
    (v,) = tangents
    return grad(lambda x: jnp.vdot(grad(f)(x), v))(x)


_X, _V = rng(46).standard_normal((3, 2)), rng(47).standard_normal((3, 2))
for _name, _fn, _args, _what in (
    (
        "jax_hvp_closure",
        hvp_revrev_closure,
        (f, _X, _V),
        "grad of a lambda calling grad(f)",
    ),
    (
        "jax_hvp_fwd_over_rev",
        hvp,
        (f, (_X,), (_V,)),
        "jvp(grad(f), ...) inside the code",
    ),
    (
        "jax_hvp_rev_over_fwd",
        hvp_revfwd,
        (f, (_X,), (_V,)),
        "grad of a lambda calling jvp",
    ),
    (
        "jax_hvp_rev_over_rev",
        hvp_revrev,
        (f, (_X,), (_V,)),
        "tuple unpacking, grad of grad",
    ),
):
    add(
        _name,
        _fn,
        _args,
        "docs/advanced-autodiff.md",
        f"a function passed as a value (item 1) and transforms inside differentiated code "
        f"(item 3): {_what}",
        argnums=(1,),
    )
