"""Neural networks and a fluid simulation from autograd's examples/ directory.

Source: https://github.com/HIPS/autograd/tree/bff107b8d71a444a1160deade3e1cbd0b92f4fa6/examples
Each function keeps the example's code; `import autograd.numpy as np` became numpy,
autograd.scipy became scipy, autograd.misc.flatten is ported below (it calls make_vjp, a
transform, so srcad.vjp stands in for it), and the data are small seeded arrays.
"""
# ruff: noqa: B007, E741, N802, N803, N806

from __future__ import annotations

import itertools

import numpy as np
from scipy.special import logsumexp
from scipy.stats import norm

import srcad

from . import Program
from ._data import AUTOGRAD, FrozenNoise, rng

PROGRAMS: list[Program] = []


def add(name, fn, args, path, exercises, **kw):
    PROGRAMS.append(Program(name, fn, args, AUTOGRAD + path, exercises, **kw))


# reverse over reverse of the recursive _flatten fails in its backward sweep (the adjoints
# of residuals of different structures saved in its loop are added together), with or
# without map: [_flatten(v) for v in value] fails the same way; the Hessian-vector product
# (forward over reverse) is checked
ORDER_2_FLATTEN = "order 1: reverse over reverse of the recursive _flatten fails (see above)"


# ---------------------------------------------------------------- autograd/misc/flatten.py
def flatten(value):
    """Flattens any nesting of tuples, lists, or dicts, with numpy arrays or
    scalars inside. Returns 1D numpy array and an unflatten function."""
    flat_value, unflatten = srcad.vjp(_flatten, value)  # was make_vjp(_flatten)(value)
    return flat_value, unflatten


def _flatten(value):
    t = type(value)
    if t in (list, tuple):
        return _concatenate(map(_flatten, value))
    elif t is dict:
        return _concatenate(_flatten(value[k]) for k in sorted(value))
    else:
        return np.ravel(value)


def _concatenate(lst):
    lst = list(lst)
    return np.concatenate(lst) if lst else np.array([])


def init_random_params(scale, layer_sizes, rs=None):
    """Build a list of (weights, biases) tuples,
    one for each layer in the net."""
    rs = rs if rs is not None else np.random.RandomState(0)
    return [
        (
            scale * rs.randn(m, n),  # weight matrix
            scale * rs.randn(n),
        )  # bias vector
        for m, n in itertools.pairwise(layer_sizes)
    ]


# ---------------------------------------------------------------- neural_net.py
def neural_net_predict(params, inputs):
    """Implements a deep neural network for classification.
    params is a list of (weights, bias) tuples.
    inputs is an (N x D) matrix.
    returns normalized class log-probabilities."""
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.tanh(outputs)
    return outputs - logsumexp(outputs, axis=1, keepdims=True)


def l2_norm(params):
    """Computes l2 norm of params by flattening them into a vector."""
    flattened, _ = flatten(params)
    return np.dot(flattened, flattened)


def log_posterior(params, inputs, targets, L2_reg):
    log_prior = -L2_reg * l2_norm(params)
    log_lik = np.sum(neural_net_predict(params, inputs) * targets)
    return log_prior + log_lik


_mnist_x = rng(20).standard_normal((6, 4))
_mnist_t = np.eye(3)[rng(21).integers(0, 3, 6)]
add(
    "neural_net",
    log_posterior,
    (init_random_params(0.5, [4, 5, 3]), _mnist_x, _mnist_t, 1.0),
    "examples/neural_net.py",
    "a list of (W, b) tuples, logsumexp; flatten calls srcad.vjp inside the "
    "differentiated code (item 3) and map(_flatten, ...) (item 1)",
    order=1,
    note=ORDER_2_FLATTEN,
)
add(
    "neural_net_predict",
    neural_net_predict,
    (init_random_params(0.5, [4, 5, 3]), _mnist_x),
    "examples/neural_net.py",
    "the network alone: a loop over a list of tuples, an array output",
)


# ---------------------------------------------------------------- neural_net_regression.py
def nn_predict(params, inputs, nonlinearity=np.tanh):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = nonlinearity(outputs)
    return outputs


def log_gaussian(params, scale):
    flat_params, _ = flatten(params)
    return np.sum(norm.logpdf(flat_params, 0, scale))


def logprob(weights, inputs, targets, noise_scale=0.1):
    predictions = nn_predict(weights, inputs)
    return np.sum(norm.logpdf(predictions, targets, noise_scale))


_reg_x = np.linspace(-1, 1, 5)[:, np.newaxis]
_reg_y = np.cos(3 * _reg_x) / 2.0
add(
    "neural_net_regression",
    logprob,
    (init_random_params(0.5, [1, 4, 1]), _reg_x, _reg_y),
    "examples/neural_net_regression.py",
    "a default parameter nonlinearity=np.tanh (item 1), a default noise scale, norm.logpdf",
)
add(
    "neural_net_regression_prior",
    log_gaussian,
    (init_random_params(0.5, [1, 4, 1]), 1.5),
    "examples/neural_net_regression.py",
    "flatten: srcad.vjp inside the differentiated code (item 3), map (item 1)",
    order=1,
    note=ORDER_2_FLATTEN,
)


# ---------------------------------------------------------------- rnn.py
def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)  # Output ranges from 0 to 1.


def concat_and_multiply(weights, *args):
    cat_state = np.hstack(args + (np.ones((args[0].shape[0], 1)),))
    return np.dot(cat_state, weights)


def rnn_predict(params, inputs):
    def update_rnn(input, hiddens):
        return np.tanh(concat_and_multiply(params["change"], input, hiddens))

    def hiddens_to_output_probs(hiddens):
        output = concat_and_multiply(params["predict"], hiddens)
        return output - logsumexp(output, axis=1, keepdims=True)  # Normalize log-probs.

    num_sequences = inputs.shape[1]
    hiddens = np.repeat(params["init hiddens"], num_sequences, axis=0)
    output = [hiddens_to_output_probs(hiddens)]

    for input in inputs:  # Iterate over time steps.
        hiddens = update_rnn(input, hiddens)
        output.append(hiddens_to_output_probs(hiddens))
    return output


def rnn_log_likelihood(params, inputs, targets):
    logprobs = rnn_predict(params, inputs)
    loglik = 0.0
    num_time_steps, num_examples, _ = inputs.shape
    for t in range(num_time_steps):
        loglik += np.sum(logprobs[t] * targets[t])
    return loglik / (num_time_steps * num_examples)


def create_rnn_params(input_size, state_size, output_size, param_scale=0.01, rs=None):
    rs = rs if rs is not None else np.random.RandomState(0)
    return {
        "init hiddens": rs.randn(1, state_size) * param_scale,
        "change": rs.randn(input_size + state_size + 1, state_size) * param_scale,
        "predict": rs.randn(state_size + 1, output_size) * param_scale,
    }


_chars = np.eye(5)[rng(22).integers(0, 5, (4, 2))]  # 4 time steps, 2 sequences, 5 letters
add(
    "rnn",
    rnn_log_likelihood,
    (create_rnn_params(5, 3, 5, param_scale=0.5), _chars, _chars),
    "examples/rnn.py",
    "concat_and_multiply(weights, *args) with differentiated args (item 2), nested "
    "closures, a loop over the rows of an array, list append then index",
)


# ---------------------------------------------------------------- lstm.py
def lstm_predict(params, inputs):
    def update_lstm(input, hiddens, cells):
        change = np.tanh(concat_and_multiply(params["change"], input, hiddens))
        forget = sigmoid(concat_and_multiply(params["forget"], input, hiddens))
        ingate = sigmoid(concat_and_multiply(params["ingate"], input, hiddens))
        outgate = sigmoid(concat_and_multiply(params["outgate"], input, hiddens))
        cells = cells * forget + ingate * change
        hiddens = outgate * np.tanh(cells)
        return hiddens, cells

    def hiddens_to_output_probs(hiddens):
        output = concat_and_multiply(params["predict"], hiddens)
        return output - logsumexp(output, axis=1, keepdims=True)  # Normalize log-probs.

    num_sequences = inputs.shape[1]
    hiddens = np.repeat(params["init hiddens"], num_sequences, axis=0)
    cells = np.repeat(params["init cells"], num_sequences, axis=0)

    output = [hiddens_to_output_probs(hiddens)]
    for input in inputs:  # Iterate over time steps.
        hiddens, cells = update_lstm(input, hiddens, cells)
        output.append(hiddens_to_output_probs(hiddens))
    return output


def lstm_log_likelihood(params, inputs, targets):
    logprobs = lstm_predict(params, inputs)
    loglik = 0.0
    num_time_steps, num_examples, _ = inputs.shape
    for t in range(num_time_steps):
        loglik += np.sum(logprobs[t] * targets[t])
    return loglik / (num_time_steps * num_examples)


def init_lstm_params(input_size, state_size, output_size, param_scale=0.01, rs=None):
    rs = rs if rs is not None else np.random.RandomState(0)

    def rp(*shape):
        return rs.randn(*shape) * param_scale

    return {
        "init cells": rp(1, state_size),
        "init hiddens": rp(1, state_size),
        "change": rp(input_size + state_size + 1, state_size),
        "forget": rp(input_size + state_size + 1, state_size),
        "ingate": rp(input_size + state_size + 1, state_size),
        "outgate": rp(input_size + state_size + 1, state_size),
        "predict": rp(state_size + 1, output_size),
    }


add(
    "lstm",
    lstm_log_likelihood,
    (init_lstm_params(5, 3, 5, param_scale=0.5), _chars, _chars),
    "examples/lstm.py",
    "variadic concat_and_multiply (item 2), a closure returning a tuple, gates",
)


# ---------------------------------------------------------------- variational_autoencoder.py
def diag_gaussian_log_density(x, mu, log_std):
    return np.sum(norm.logpdf(x, mu, np.exp(log_std)), axis=-1)


def unpack_gaussian_params(params):
    # Params of a diagonal Gaussian.
    D = np.shape(params)[-1] // 2
    mean, log_std = params[:, :D], params[:, D:]
    return mean, log_std


def sample_diag_gaussian(mean, log_std, rs):
    return rs.randn(*mean.shape) * np.exp(log_std) + mean


def bernoulli_log_density(targets, unnormalized_logprobs):
    # unnormalized_logprobs are in R
    # Targets must be -1 or 1
    label_probabilities = -np.logaddexp(0, -unnormalized_logprobs * targets)
    return np.sum(label_probabilities, axis=-1)  # Sum across pixels.


def relu(x):
    return np.maximum(0, x)


def batch_normalize(activations):
    mbmean = np.mean(activations, axis=0, keepdims=True)
    return (activations - mbmean) / (np.std(activations, axis=0, keepdims=True) + 1)


def vae_neural_net_predict(params, inputs):
    """Params is a list of (weights, bias) tuples.
    inputs is an (N x D) matrix.
    Applies batch normalization to every layer but the last."""
    for W, b in params[:-1]:
        outputs = batch_normalize(np.dot(inputs, W) + b)  # linear transformation
        inputs = relu(outputs)  # nonlinear transformation
    outW, outb = params[-1]
    outputs = np.dot(inputs, outW) + outb
    return outputs


def nn_predict_gaussian(params, inputs):
    # Returns means and diagonal variances
    return unpack_gaussian_params(vae_neural_net_predict(params, inputs))


def p_images_given_latents(gen_params, images, latents):
    preds = vae_neural_net_predict(gen_params, latents)
    return bernoulli_log_density(images, preds)


def vae_lower_bound(gen_params, rec_params, data, rs):
    q_means, q_log_stds = nn_predict_gaussian(rec_params, data)
    latents = sample_diag_gaussian(q_means, q_log_stds, rs)
    q_latents = diag_gaussian_log_density(latents, q_means, q_log_stds)
    p_latents = diag_gaussian_log_density(latents, 0, 0)
    likelihood = p_images_given_latents(gen_params, data, latents)
    return np.mean(p_latents + likelihood - q_latents)


_images = np.where(rng(23).random((5, 4)) > 0.5, 1.0, -1.0)
add(
    "variational_autoencoder",
    vae_lower_bound,
    (
        init_random_params(0.5, [2, 3, 4], rs=np.random.RandomState(1)),
        init_random_params(0.5, [4, 3, 4], rs=np.random.RandomState(2)),
        _images,
        FrozenNoise(3),
    ),
    "examples/variational_autoencoder.py",
    "two parameter lists, batch normalization, relu (maximum), logaddexp, a random-state "
    "object's method with a starred shape (item 2)",
    argnums=(0, 1),
    smooth=False,
    note="relu: first order only, at a point away from its kink",
)


# ---------------------------------------------------------------- generative_adversarial_net.py
def logsigmoid(x):
    return x - np.logaddexp(0, x)


def gan_neural_net_predict(params, inputs):
    """Params is a list of (weights, bias) tuples.
    inputs is an (N x D) matrix."""
    inpW, inpb = params[0]
    inputs = relu(np.dot(inputs, inpW) + inpb)
    for W, b in params[1:-1]:
        outputs = batch_normalize(np.dot(inputs, W) + b)
        inputs = relu(outputs)
    outW, outb = params[-1]
    outputs = np.dot(inputs, outW) + outb
    return outputs


def generate_from_noise(gen_params, num_samples, noise_dim, rs):
    noise = rs.rand(num_samples, noise_dim)
    samples = gan_neural_net_predict(gen_params, noise)
    return sigmoid(samples)


def gan_objective(gen_params, dsc_params, real_data, num_samples, noise_dim, rs):
    fake_data = generate_from_noise(gen_params, num_samples, noise_dim, rs)
    logprobs_fake = logsigmoid(gan_neural_net_predict(dsc_params, fake_data))
    logprobs_real = logsigmoid(gan_neural_net_predict(dsc_params, real_data))
    return np.mean(logprobs_real) - np.mean(logprobs_fake)


add(
    "generative_adversarial_net",
    gan_objective,
    (
        init_random_params(0.7, [2, 3, 3, 4], rs=np.random.RandomState(3)),
        init_random_params(0.7, [4, 3, 3, 1], rs=np.random.RandomState(4)),
        rng(24).random((5, 4)),
        5,
        2,
        FrozenNoise(5),
    ),
    "examples/generative_adversarial_net.py",
    "params[0], params[1:-1], params[-1] of a list, relu, batch norm, logaddexp",
    argnums=(0, 1),
    smooth=False,
    note="relu: first order only",
)


# ---------------------------------------------------------------- bayesian_neural_net.py
def make_nn_funs(layer_sizes, L2_reg, noise_variance, nonlinearity=np.tanh):
    """These functions implement a standard multi-layer perceptron,
    vectorized over both training examples and weight samples."""
    shapes = list(itertools.pairwise(layer_sizes))
    num_weights = sum((m + 1) * n for m, n in shapes)

    def unpack_layers(weights):
        num_weight_sets = len(weights)
        for m, n in shapes:
            yield (
                weights[:, : m * n].reshape((num_weight_sets, m, n)),
                weights[:, m * n : m * n + n].reshape((num_weight_sets, 1, n)),
            )
            weights = weights[:, (m + 1) * n :]

    def predictions(weights, inputs):
        """weights is shape (num_weight_samples x num_weights)
        inputs  is shape (num_datapoints x D)"""
        inputs = np.expand_dims(inputs, 0)
        for W, b in unpack_layers(weights):
            outputs = np.einsum("mnd,mdo->mno", inputs, W) + b
            inputs = nonlinearity(outputs)
        return outputs

    def logprob(weights, inputs, targets):
        log_prior = -L2_reg * np.sum(weights**2, axis=1)
        preds = predictions(weights, inputs)
        log_lik = -np.sum((preds - targets) ** 2, axis=1)[:, 0] / noise_variance
        return log_prior + log_lik

    return num_weights, predictions, logprob


_bnn_n, _, bnn_logprob = make_nn_funs([1, 3, 1], L2_reg=0.1, noise_variance=0.01)
add(
    "bayesian_neural_net",
    bnn_logprob,
    (0.5 * rng(25).standard_normal((2, _bnn_n)), _reg_x, _reg_y),
    "examples/bayesian_neural_net.py",
    "a generator consumed by for (item 4), nonlinearity=np.tanh from a factory's default "
    "(item 1), einsum, reshape of slices",
)


# ---------------------------------------------------------------- ode_net.py
def func(y, t0, A):
    return np.dot(y**3, A)


def ode_nn_predict(inputs, t, params):
    for W, b in params:
        outputs = np.dot(inputs, W) + b
        inputs = np.maximum(0, outputs)
    return outputs


def L1_loss(pred, targets):
    return np.mean(np.abs(pred - targets))


add(
    "ode_net_true_dynamics",
    func,
    (rng(26).standard_normal((4, 2)), 0.0, np.array([[-0.1, 2.0], [-2.0, -0.1]])),
    "examples/ode_net.py",
    "the ODE right-hand side: cube, dot",
)
add(
    "ode_net_dynamics_net",
    ode_nn_predict,
    (
        rng(27).standard_normal((4, 2)),
        0.0,
        init_random_params(0.8, [2, 5, 2], rs=np.random.RandomState(6)),
    ),
    "examples/ode_net.py",
    "relu network (np.maximum(0, .)) over a list of tuples",
    argnums=(2,),
    smooth=False,
)
add(
    "ode_net_l1_loss",
    L1_loss,
    (rng(28).standard_normal((4, 2)), rng(29).standard_normal((4, 2))),
    "examples/ode_net.py",
    "mean of abs",
    smooth=False,
)


# ---------------------------------------------------------------- fluidsim/fluidsim.py
def project(vx, vy):
    """Project the velocity field to be approximately mass-conserving,
    using a few iterations of Gauss-Seidel."""
    p = np.zeros(vx.shape)
    h = 1.0 / vx.shape[0]
    div = (
        -0.5
        * h
        * (
            np.roll(vx, -1, axis=0)
            - np.roll(vx, 1, axis=0)
            + np.roll(vy, -1, axis=1)
            - np.roll(vy, 1, axis=1)
        )
    )

    for k in range(10):
        p = (
            div
            + np.roll(p, 1, axis=0)
            + np.roll(p, -1, axis=0)
            + np.roll(p, 1, axis=1)
            + np.roll(p, -1, axis=1)
        ) / 4.0

    vx -= 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0)) / h
    vy -= 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1)) / h
    return vx, vy


def advect(f, vx, vy):
    """Move field f according to x and y velocities (u and v)
    using an implicit Euler integrator."""
    rows, cols = f.shape
    cell_ys, cell_xs = np.meshgrid(np.arange(rows), np.arange(cols))
    center_xs = (cell_xs - vx).ravel()
    center_ys = (cell_ys - vy).ravel()

    # Compute indices of source cells.
    left_ix = np.floor(center_xs).astype(int)
    top_ix = np.floor(center_ys).astype(int)
    rw = center_xs - left_ix  # Relative weight of right-hand cells.
    bw = center_ys - top_ix  # Relative weight of bottom cells.
    left_ix = np.mod(left_ix, rows)  # Wrap around edges of simulation.
    right_ix = np.mod(left_ix + 1, rows)
    top_ix = np.mod(top_ix, cols)
    bot_ix = np.mod(top_ix + 1, cols)

    # A linearly-weighted sum of the 4 surrounding cells.
    flat_f = (1 - rw) * ((1 - bw) * f[left_ix, top_ix] + bw * f[left_ix, bot_ix]) + rw * (
        (1 - bw) * f[right_ix, top_ix] + bw * f[right_ix, bot_ix]
    )
    return np.reshape(flat_f, (rows, cols))


def simulate(vx, vy, smoke, num_time_steps, ax=None, render=False):
    # print("Running simulation...") and the plotting calls (ax is None) are kept out
    for t in range(num_time_steps):
        vx_updated = advect(vx, vx, vy)
        vy_updated = advect(vy, vx, vy)
        vx, vy = project(vx_updated, vy_updated)
        smoke = advect(smoke, vx, vy)
    return smoke


def fluid_objective(vx, vy, smoke):
    # the example's distance to a target image, on a 6x6 grid over 2 steps
    final = simulate(vx, vy, smoke, 2)
    return np.mean((final - np.eye(6)) ** 2)


_g = rng(30)
add(
    "fluidsim",
    fluid_objective,
    (0.3 * _g.standard_normal((6, 6)), 0.3 * _g.standard_normal((6, 6)), _g.random((6, 6))),
    "examples/fluidsim/fluidsim.py",
    "semi-Lagrangian advection (floor, astype(int), mod, gather), roll, Gauss-Seidel loop, "
    "-= on fresh arrays, meshgrid",
    smooth=False,
    note="piecewise linear in the velocities (floor): first order only; print/plot removed",
    # project(vx, vy) changes its arguments in place (vx -= ...) and returns them; simulate
    # hands over new arrays (advect's results) and reads them only through what it returns
)
