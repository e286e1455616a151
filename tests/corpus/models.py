"""Small realistic models, written the way they appear in tutorials and notebooks."""

import numpy as np

_rng = np.random.default_rng(7)
X = _rng.standard_normal((5, 3))
Y_LABELS = np.array([0, 2, 1, 1, 0])  # integer class labels, not differentiated
Y_BINARY = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
Y_REG = _rng.standard_normal(5)

MLP_PARAMS = [
    (_rng.standard_normal((3, 4)) * 0.5, _rng.standard_normal(4) * 0.1),
    (_rng.standard_normal((4, 4)) * 0.5, _rng.standard_normal(4) * 0.1),
    (_rng.standard_normal((4, 3)) * 0.5, _rng.standard_normal(3) * 0.1),
]


# ---------------------------------------------------------------- building blocks
def log_sum_exp(z, axis=-1):
    # Subtract the max so that exp never overflows; the max cancels in the derivative.
    m = np.max(z, axis=axis, keepdims=True)
    return m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))


def softmax(z, axis=-1):
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------- models
def mlp_forward(params, x):
    h = x
    for W, b in params[:-1]:
        h = np.tanh(h @ W + b)
    W_out, b_out = params[-1]
    return h @ W_out + b_out


def mlp_mse_loss(params, x):
    pred = mlp_forward(params, x)
    return np.mean((pred[:, 0] - Y_REG) ** 2)


def softmax_cross_entropy(logits):
    logp = logits - log_sum_exp(logits)
    n = logits.shape[0]
    return -np.mean(logp[np.arange(n), Y_LABELS])


def mlp_classifier_loss(params, x):
    return softmax_cross_entropy(mlp_forward(params, x))


def rnn_loop(params, xs):
    Wx, Wh, b, w_out = params["Wx"], params["Wh"], params["b"], params["w_out"]
    h = np.zeros(Wh.shape[0])
    outputs = []
    for x_t in xs:
        h = np.tanh(Wx @ x_t + Wh @ h + b)
        outputs.append(w_out @ h)
    return np.sum(np.array(outputs) ** 2)


def logistic_regression_nll(w, b, x):
    z = x @ w + b
    # log(1 + exp(-z)) for y = 1 and log(1 + exp(z)) for y = 0, written stably.
    nll = Y_BINARY * np.logaddexp(0.0, -z) + (1.0 - Y_BINARY) * np.logaddexp(0.0, z)
    return np.mean(nll) + 0.01 * np.sum(w**2)


def gaussian_log_likelihood(mu, log_sigma, data):
    sigma = np.exp(log_sigma)
    z = (data - mu) / sigma
    n = data.shape[0]
    return -0.5 * np.sum(z**2) - n * log_sigma - 0.5 * n * np.log(2 * np.pi)


def multivariate_gaussian_log_likelihood(mu, A, data):
    # Covariance A A^T + I is positive definite for any A.
    d = mu.shape[0]
    cov = A @ A.T + np.eye(d)
    L = np.linalg.cholesky(cov)
    r = np.linalg.solve(L, (data - mu).T)
    logdet = 2.0 * np.sum(np.log(np.diag(L)))
    return -0.5 * np.sum(r**2) - 0.5 * data.shape[0] * (logdet + d * np.log(2 * np.pi))


def euler_spring_with_drag(k, c, x0):
    # Explicit Euler for x'' = -k x - c x' |x'|; returns the energy at the end.
    dt = 0.05
    x, v = x0, 0.0
    for _ in range(20):
        a = -k * x - c * v * np.sqrt(v * v + 1e-4)
        x = x + dt * v
        v = v + dt * a
    return 0.5 * v**2 + 0.5 * k * x**2


def polynomial_fit_vandermonde(coeffs_true, x):
    # Least-squares fit through the normal equations on a hand-built Vandermonde matrix.
    degree = 2
    V = np.stack([x**p for p in range(degree + 1)], axis=1)
    y = V @ coeffs_true + 0.1 * np.sin(3 * x)
    coeffs = np.linalg.solve(V.T @ V, V.T @ y)
    residual = y - V @ coeffs
    return np.sum(residual**2) + np.sum(coeffs**2)


X_GRID = np.linspace(-1.0, 1.0, 5)


def polynomial_fit_np_vander(y):
    # Fixed sample points, so np.vander (which has no rule in srcad) only sees constants;
    # normal equations, since srcad's forward mode of lstsq fails when only b is active.
    V = np.vander(X_GRID, 3)
    coeffs = np.linalg.solve(V.T @ V, V.T @ y)
    return np.sum(coeffs * np.array([1.0, -2.0, 0.5]))


def fixed_point_iteration(W, x):
    # k steps of z <- tanh(W z + x): no gradient inside, the loop is just unrolled.
    z = np.zeros_like(x)
    for _ in range(8):
        z = np.tanh(W @ z + x)
    return np.sum(z**2)


def attention(Q, K, V):
    d = Q.shape[-1]
    scores = Q @ K.T / np.sqrt(d)
    weights = softmax(scores, axis=-1)
    return np.sum((weights @ V) ** 2)


def layer_norm(x, gamma, beta):
    eps = 1e-5
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps) * gamma + beta
    return np.sum(np.sin(y))


def conv1d_valid(x, w):
    k = w.shape[0]
    n = x.shape[0] - k + 1
    out = np.zeros(n)
    for i in range(n):
        out[i] = np.sum(x[i : i + k] * w)
    return np.sum(np.tanh(out))


CASES = [
    (mlp_mse_loss, (MLP_PARAMS, X)),
    (mlp_classifier_loss, (MLP_PARAMS, X)),
    (
        rnn_loop,
        (
            {
                "Wx": _rng.standard_normal((4, 3)) * 0.5,
                "Wh": _rng.standard_normal((4, 4)) * 0.3,
                "b": _rng.standard_normal(4) * 0.1,
                "w_out": _rng.standard_normal(4),
            },
            X[:4],
        ),
    ),
    (logistic_regression_nll, (np.array([0.5, -0.3, 0.8]), 0.1, X)),
    (gaussian_log_likelihood, (0.2, -0.3, Y_REG)),
    (multivariate_gaussian_log_likelihood, (np.array([0.1, -0.2, 0.3]), X[:3] * 0.5, X)),
    (euler_spring_with_drag, (2.0, 0.3, 1.0)),
    (polynomial_fit_vandermonde, (np.array([0.5, -1.0, 0.3]), np.linspace(-1.0, 1.0, 6))),
    (polynomial_fit_np_vander, (Y_REG,)),
    (fixed_point_iteration, (_rng.standard_normal((3, 3)) * 0.3, X[0])),
    (attention, (X[:3], X[1:], X[1:] * 0.5)),
    (layer_norm, (X, np.array([1.0, 0.5, 2.0]), np.array([0.1, 0.0, -0.1]))),
    (conv1d_valid, (Y_REG, np.array([0.25, 0.5, -0.25]))),
]
