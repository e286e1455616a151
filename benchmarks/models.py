"""The benchmarked functions, written once with `np`, and their hand-written derivatives.

srcad reads these functions' source. autograd and JAX run the very same code objects with
`np` rebound to `autograd.numpy` or `jax.numpy` (see `backends.rebind`), so every library
differentiates identical code.

The hand-written derivatives are "the practical limit": what a careful person writes for
this exact computation, reusing buffers in place and allocating no temporaries that are
not needed. They keep the structure of the original (a loop stays a loop) because no AD
tool restructures the user's algorithm; see `rnn_grad_batched` for the one case where a
restructured version is measured too.
"""

from __future__ import annotations

import numpy as np

import srcad

# ----------------------------------------------------------------------------- A: MLP


def mlp_loss(W1, W2, x):
    return np.sum((np.tanh(x @ W1) @ W2) ** 2)


def mlp_grad(W1, W2, x):
    h = x @ W1
    np.tanh(h, out=h)
    o = h @ W2
    o *= 2.0  # d sum(o**2) / do, in o's own buffer (o is not needed any more)
    gW2 = h.T @ o
    gh = o @ W2.T
    # tanh' = 1 - h**2, computed in h's buffer now that gW2 no longer needs h.
    np.multiply(h, h, out=h)
    np.subtract(1.0, h, out=h)
    gh *= h
    gW1 = x.T @ gh
    return gW1, gW2


def mlp_data(rng, scale: int = 1):
    """x 32x64, W1 64x128, W2 128x10 at scale 1; every dimension times `scale`."""
    x = rng.standard_normal((32 * scale, 64 * scale))
    W1 = rng.standard_normal((64 * scale, 128 * scale)) / np.sqrt(64 * scale)
    W2 = rng.standard_normal((128 * scale, 10 * scale)) / np.sqrt(128 * scale)
    return W1, W2, x


# ----------------------------------------------------------------------------- B: scalar loop


def scalar_loop(x):
    for _ in range(100):
        x = np.sin(x) * 1.01
    return x


def scalar_loop_grad(x):
    # Forward mode in the same loop: a scalar input needs one pass and no stored history,
    # which is the cheapest derivative of this function.
    d = 1.0
    for _ in range(100):
        d = d * (np.cos(x) * 1.01)
        x = np.sin(x) * 1.01
    return d


# ----------------------------------------------------------------------------- S: spring


def spring(k, x0):
    """A damped spring, 2000 explicit Euler steps on Python floats; the final position."""
    x, v = x0, 0.0
    for _ in range(2000):
        a = -k * x - 0.1 * v
        v = v + 0.01 * a
        x = x + 0.01 * v
    return x


def spring_grad(k, x0):
    """d x(T) / d k: the adjoint of the same loop, with the positions kept in a list."""
    xs = []
    x, v = x0, 0.0
    for _ in range(2000):
        xs.append(x)
        a = -k * x - 0.1 * v
        v = v + 0.01 * a
        x = x + 0.01 * v
    bx, bv, bk = 1.0, 0.0, 0.0
    for x in reversed(xs):
        bv += 0.01 * bx
        ba = 0.01 * bv
        bk -= x * ba
        bx -= k * ba
        bv -= 0.1 * ba
    return bk


# ----------------------------------------------------------------------------- F: chain


def chain(x):
    return np.sum(np.tanh(x) ** 2 * np.exp(-x))


def chain_grad(x):
    # d/dx tanh(x)**2 exp(-x) = exp(-x) tanh(x) (2 (1 - tanh(x)**2) - tanh(x)), in 3 buffers
    t = np.tanh(x)
    e = np.negative(x)
    np.exp(e, out=e)
    g = np.multiply(t, t)
    np.subtract(1.0, g, out=g)
    g *= 2.0
    g -= t
    g *= t
    g *= e
    return g


# ----------------------------------------------------------------------------- C: Jacobian


def tanh_net(x, W):
    return np.tanh(W @ np.tanh(W @ x))


def tanh_net_jacobian(x, W):
    # J = diag(1 - y**2) W diag(1 - t**2) W, with the diagonals applied as row/column
    # scalings instead of matrix products.
    t = np.tanh(W @ x)
    y = np.tanh(W @ t)
    J = (W * (1.0 - t * t)) @ W
    J *= (1.0 - y * y)[:, None]
    return J


def tanh_net_data(rng, n: int = 256):
    x = rng.standard_normal(n)
    W = rng.standard_normal((n, n)) / np.sqrt(n)
    return x, W


# ----------------------------------------------------------------------------- D: RNN


def rnn_loss(W, U, h, xs):
    for t in range(50):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h**2)


def rnn_grad(W, U, h, xs):
    """Backpropagation through time, one step at a time like the loop it differentiates."""
    steps = 50
    hs = np.empty((steps + 1,) + np.shape(h))  # every state, in one preallocated block
    hs[0] = h
    for t in range(steps):
        a = W @ hs[t]
        a += U @ xs[t]
        np.tanh(a, out=hs[t + 1])
    gh = 2.0 * hs[steps]
    gW = np.zeros_like(W)
    gU = np.zeros_like(U)
    ga = np.empty_like(gh)
    for t in range(steps - 1, -1, -1):
        np.multiply(hs[t + 1], hs[t + 1], out=ga)
        np.subtract(1.0, ga, out=ga)
        ga *= gh  # adjoint of the pre-activation: gh * (1 - h**2)
        # Outer products by broadcasting: one temporary each, and about half the time of
        # np.outer (which reshapes its arguments in Python first).
        gW += ga[:, None] * hs[t]
        gU += ga[:, None] * xs[t]
        gh = W.T @ ga
    return gW, gU


def rnn_grad_batched(W, U, h, xs):
    """BPTT with the weight gradients as one matrix product each over all steps.

    Not a per-statement derivative any more (it regroups 50 outer products into one
    matmul), so it is reported for context only, not used for the targets.
    """
    steps = 50
    hs = np.empty((steps + 1,) + np.shape(h))
    hs[0] = h
    xu = xs[:steps] @ U.T  # every step's input term at once
    for t in range(steps):
        a = W @ hs[t]
        a += xu[t]
        np.tanh(a, out=hs[t + 1])
    ga = np.empty((steps,) + np.shape(h))  # every step's pre-activation adjoint
    gh = 2.0 * hs[steps]
    for t in range(steps - 1, -1, -1):
        g = ga[t]
        np.multiply(hs[t + 1], hs[t + 1], out=g)
        np.subtract(1.0, g, out=g)
        g *= gh
        gh = W.T @ g
    return ga.T @ hs[:steps], ga.T @ xs[:steps]


def rnn_data(rng, hidden: int = 64, inputs: int = 32, steps: int = 50):
    W = rng.standard_normal((hidden, hidden)) / np.sqrt(hidden)
    U = rng.standard_normal((hidden, inputs)) / np.sqrt(inputs)
    h = np.zeros(hidden)
    xs = rng.standard_normal((steps, inputs))
    return W, U, h, xs


# ----------------------------------------------------------------------------- K: long RNN


def rnn_long_loss(W, U, h, xs):
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h**2)


def rnn_long_loss_checkpointed(W, U, h, xs):
    for t in srcad.checkpointed(range(xs.shape[0])):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h**2)


def rnn_long_grad(W, U, h, xs):
    """`rnn_grad` for any number of steps (one per row of xs)."""
    steps = xs.shape[0]
    hs = np.empty((steps + 1,) + np.shape(h))
    hs[0] = h
    for t in range(steps):
        np.tanh(W @ hs[t] + U @ xs[t], out=hs[t + 1])
    gh = 2.0 * hs[steps]
    gW, gU = np.zeros_like(W), np.zeros_like(U)
    for t in range(steps - 1, -1, -1):
        ga = gh * (1.0 - hs[t + 1] * hs[t + 1])
        gW += ga[:, None] * hs[t]
        gU += ga[:, None] * xs[t]
        gh = W.T @ ga
    return gW, gU


# ----------------------------------------------------------------------------- E: HVP


def make_logreg_loss(X, y):
    """The mean logistic loss of weights w on data (X, y), as a function of w alone."""

    def logreg_loss(w):
        z = X @ w
        return np.mean(np.logaddexp(0.0, -y * z))

    return logreg_loss


def logreg_hvp(w, v, X, y):
    # loss = mean(softplus(-y X w)): H = X^T diag(s (1 - s) y**2) X / n, s = sigmoid(-y X w).
    s = 1.0 / (1.0 + np.exp(y * (X @ w)))
    c = s * (1.0 - s) * (y * y)
    c *= X @ v
    return (X.T @ c) / X.shape[0]


def logreg_hessian(w, X, y):
    s = 1.0 / (1.0 + np.exp(y * (X @ w)))
    c = s * (1.0 - s) * (y * y) / X.shape[0]
    return X.T @ (c[:, None] * X)


def logreg_data(rng, n: int = 1000, d: int = 500):
    X = rng.standard_normal((n, d)) / np.sqrt(d)
    y = np.where(rng.standard_normal(n) > 0, 1.0, -1.0)
    w = rng.standard_normal(d)
    v = rng.standard_normal(d)
    return X, y, w, v


# ----------------------------------------------------------------------------- V: per-example


def example_loss(params, x, y):
    """The squared error of one example (x, y): per-example gradients vmap its grad."""
    W1, b1, W2, b2 = params
    h = np.tanh(x @ W1 + b1)
    return np.mean((h @ W2 + b2 - y) ** 2)


def per_example_grads(params, X, Y):
    """Every example's gradient of `example_loss`, by hand, batched over the examples."""
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    err = (h @ W2 + b2 - Y) * (2.0 / Y.shape[1])  # d loss / d output, per example
    gh = err @ W2.T
    gh *= 1.0 - h * h
    gW2 = h[:, :, None] * err[:, None, :]
    gW1 = X[:, :, None] * gh[:, None, :]
    return gW1, gh, gW2, err


def per_example_data(rng, examples: int = 128, inputs: int = 32, hidden: int = 64, out: int = 10):
    W1 = rng.standard_normal((inputs, hidden)) / np.sqrt(inputs)
    W2 = rng.standard_normal((hidden, out)) / np.sqrt(hidden)
    params = (W1, np.zeros(hidden), W2, np.zeros(out))
    X = rng.standard_normal((examples, inputs))
    Y = rng.standard_normal((examples, out))
    return params, X, Y
