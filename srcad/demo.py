"""`python -m srcad demo`: differentiate a 2-layer MLP loss and show the generated code."""

from __future__ import annotations

import numpy as np


def mlp_loss(W1, W2, x, y):
    hidden = np.tanh(x @ W1)
    prediction = hidden @ W2
    return np.mean((prediction - y) ** 2)


def run(out=print) -> bool:
    import srcad
    from srcad.check import numerical_jvp

    rng = np.random.default_rng(0)
    W1 = rng.standard_normal((4, 8)) * 0.5
    W2 = rng.standard_normal((8, 3)) * 0.5
    x = rng.standard_normal((16, 4))
    y = rng.standard_normal((16, 3))

    loss_grad = srcad.value_and_grad(mlp_loss, argnums=(0, 1))
    loss, (gW1, gW2) = loss_grad(W1, W2, x, y)  # generates code for these argument kinds
    out("srcad demo: the gradient of a 2-layer MLP loss\n")
    out("The loss, as written:\n")
    import inspect

    out(inspect.getsource(mlp_loss))
    out("The derivative srcad generated (reverse mode), plain numpy:\n")
    out(srcad.source(loss_grad))

    out(f"loss = {loss:.6f}")
    out(f"dloss/dW2[:2] =\n{np.array2string(gW2[:2], precision=5)}\n")

    ok = True
    for name, g, index in (("W1", gW1, 0), ("W2", gW2, 1)):
        direction = rng.standard_normal(g.shape)
        args = [W1, W2, x, y]
        tangents = [None, None, None, None]
        tangents[index] = direction
        fd = float(numerical_jvp(mlp_loss, args, tangents))
        ad = float(np.sum(g * direction))
        agree = abs(fd - ad) <= 1e-6 * max(1.0, abs(fd))
        ok &= agree
        out(
            f"check d{name}: srcad {ad:+.8f}   finite differences {fd:+.8f}   "
            f"{'agree' if agree else 'DISAGREE'}"
        )
    out("\nGradient agrees with finite differences." if ok else "\nMISMATCH")
    return ok
