"""Models from autograd's examples/ directory (probabilistic models and small programs).

Source: https://github.com/HIPS/autograd/tree/bff107b8d71a444a1160deade3e1cbd0b92f4fa6/examples
Each function keeps the example's code; `import autograd.numpy as np` became numpy, the
autograd.scipy imports became scipy's, and the data are small seeded arrays.
"""
# ruff: noqa: E731, E741, N802, N803, N806

from __future__ import annotations

from functools import partial

import numpy as np
from numpy.linalg import solve
from scipy.special import gammaln, logsumexp
from scipy.stats import multivariate_normal as mvn
from scipy.stats import norm, t

import srcad

from . import Program
from ._data import AUTOGRAD, FrozenNoise, rng

PROGRAMS: list[Program] = []


def add(name, fn, args, path, exercises, **kw):
    PROGRAMS.append(Program(name, fn, args, AUTOGRAD + path, exercises, **kw))


# ---------------------------------------------------------------- logistic_regression.py
def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1)


def logistic_predictions(weights, inputs):
    return sigmoid(np.dot(inputs, weights))


def training_loss(weights):
    preds = logistic_predictions(weights, inputs)
    label_probabilities = preds * targets + (1 - preds) * (1 - targets)
    return -np.sum(np.log(label_probabilities))


inputs = np.array(
    [[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.30], [0.74, -2.49, 1.39]]
)
targets = np.array([True, True, False, True])
add(
    "logistic_regression",
    training_loss,
    (np.array([0.1, -0.2, 0.3]),),
    "examples/logistic_regression.py",
    "globals (inputs, a bool array of targets), helpers calling helpers",
)


# ---------------------------------------------------------------- rosenbrock.py
def rosenbrock(x):
    return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2


add(
    "rosenbrock", rosenbrock, (np.array([0.3, -0.4]),), "examples/rosenbrock.py", "indexing, powers"
)


# ---------------------------------------------------------------- tanh.py
def tanh(x):
    return (1.0 - np.exp(-2 * x)) / (1.0 + np.exp(-(2 * x)))


add("tanh", tanh, (np.linspace(-3, 3, 7),), "examples/tanh.py", "elementwise function (egrad)")


# ---------------------------------------------------------------- sinusoid.py (Taylor)
def sinusoid_taylor(x):
    # `fun` of sinusoid.py, second definition; the print(i, end=" ") of the loop is kept
    # out (it prints once per step on every call).
    currterm = x
    ans = currterm
    for i in range(1000):
        currterm = -currterm * x**2 / ((2 * i + 3) * (2 * i + 2))
        ans = ans + currterm
        if np.abs(currterm) < 0.2:
            break  # (Very generous tolerance!)
    return ans


add(
    "sinusoid_taylor",
    sinusoid_taylor,
    (2.5,),
    "examples/sinusoid.py",
    "for loop with a data-dependent break, a float argument",
    note="print(i) in the loop removed",
)


# ---------------------------------------------------------------- define_gradient.py
def logsumexp_example(x):
    """Numerically stable log(sum(exp(x))), also defined in scipy.special"""
    max_x = np.max(x)
    return max_x + np.log(np.sum(np.exp(x - max_x)))


add(
    "define_gradient_logsumexp",
    logsumexp_example,
    (rng(1).standard_normal(5),),
    "examples/define_gradient.py",
    "max subtracted for stability (the @primitive and defvjp are left out: srcad derives it)",
)


# ---------------------------------------------------------------- gaussian_process.py
def make_gp_funs(cov_func, num_cov_params):
    """Functions that perform Gaussian process regression.
    cov_func has signature (cov_params, x, x')"""

    def unpack_kernel_params(params):
        mean = params[0]
        cov_params = params[2:]
        noise_scale = np.exp(params[1]) + 0.0001
        return mean, cov_params, noise_scale

    def predict(params, x, y, xstar):
        """Returns the predictive mean and covariance at locations xstar,
        of the latent function value f (without observation noise)."""
        mean, cov_params, noise_scale = unpack_kernel_params(params)
        cov_f_f = cov_func(cov_params, xstar, xstar)
        cov_y_f = cov_func(cov_params, x, xstar)
        cov_y_y = cov_func(cov_params, x, x) + noise_scale * np.eye(len(y))
        pred_mean = mean + np.dot(solve(cov_y_y, cov_y_f).T, y - mean)
        pred_cov = cov_f_f - np.dot(solve(cov_y_y, cov_y_f).T, cov_y_f)
        return pred_mean, pred_cov

    def log_marginal_likelihood(params, x, y):
        mean, cov_params, noise_scale = unpack_kernel_params(params)
        cov_y_y = cov_func(cov_params, x, x) + noise_scale * np.eye(len(y))
        prior_mean = mean * np.ones(len(y))
        return mvn.logpdf(y, prior_mean, cov_y_y)

    return num_cov_params + 2, predict, log_marginal_likelihood


def rbf_covariance(kernel_params, x, xp):
    output_scale = np.exp(kernel_params[0])
    lengthscales = np.exp(kernel_params[1:])
    diffs = np.expand_dims(x / lengthscales, 1) - np.expand_dims(xp / lengthscales, 0)
    return output_scale * np.exp(-0.5 * np.sum(diffs**2, axis=2))


_gp_x = np.linspace(-1.5, 1.5, 6).reshape(6, 1)
_gp_y = np.cos(2 * _gp_x[:, 0]) / 2 + 0.05 * rng(2).standard_normal(6)
_gp_params = np.array([0.1, -1.0, 0.2, -0.3])
num_params, gp_predict, gp_log_marginal_likelihood = make_gp_funs(rbf_covariance, num_cov_params=2)
add(
    "gaussian_process_lml",
    gp_log_marginal_likelihood,
    (_gp_params, _gp_x, _gp_y),
    "examples/gaussian_process.py",
    "closures made by a factory, a kernel function passed as a value (item 1), "
    "multivariate_normal.logpdf",
)
add(
    "gaussian_process_predict",
    gp_predict,
    (_gp_params, _gp_x, _gp_y, np.linspace(-1, 1, 3).reshape(3, 1)),
    "examples/gaussian_process.py",
    "closure with a kernel passed as a value, solve, a tuple output",
)


# ---------------------------------------------------------------- deep_gaussian_process.py
def build_deep_gp(input_dimension, hidden_dimension, covariance_function):
    num_params_layer1, predict_layer1, log_marginal_likelihood_layer1 = make_gp_funs(
        covariance_function, num_cov_params=input_dimension + 1
    )
    num_params_layer2, predict_layer2, log_marginal_likelihood_layer2 = make_gp_funs(
        covariance_function, num_cov_params=hidden_dimension + 1
    )
    num_hidden_params = hidden_dimension * n_data
    total_num_params = num_params_layer1 + num_params_layer2 + num_hidden_params

    def unpack_all_params(all_params):
        layer1_params = all_params[:num_params_layer1]
        layer2_params = all_params[num_params_layer1 : num_params_layer1 + num_params_layer2]
        hiddens = all_params[num_params_layer1 + num_params_layer2 :]
        return layer1_params, layer2_params, hiddens

    def log_marginal_likelihood(all_params):
        layer1_params, layer2_params, h = unpack_all_params(all_params)
        return log_marginal_likelihood_layer1(layer1_params, X, h) + log_marginal_likelihood_layer2(
            layer2_params, np.atleast_2d(h).T, y
        )

    # combined_predict_fun and predict_layer_funcs of the example are left out (plots)
    return total_num_params, log_marginal_likelihood, unpack_all_params


n_data = 6
X = _gp_x
y = np.sign(X[:, 0]) + 0.1 * rng(3).standard_normal(n_data)
_dgp_total, dgp_log_marginal_likelihood, _ = build_deep_gp(1, 1, rbf_covariance)
add(
    "deep_gaussian_process",
    dgp_log_marginal_likelihood,
    (0.3 * rng(4).standard_normal(_dgp_total),),
    "examples/deep_gaussian_process.py",
    "closures returned by a factory called twice (two GP layers), atleast_2d",
    note="combined_predict_fun (used for plots) left out",
)


# ---------------------------------------------------------------- black_box_svi.py
def black_box_variational_inference(logprob, D, num_samples):
    """Implements http://arxiv.org/abs/1401.0118, and uses the
    local reparameterization trick from http://arxiv.org/abs/1506.02557"""

    def unpack_params(params):
        mean, log_std = params[:D], params[D:]
        return mean, log_std

    def gaussian_entropy(log_std):
        return 0.5 * D * (1.0 + np.log(2 * np.pi)) + np.sum(log_std)

    rs = FrozenNoise(0)  # was npr.RandomState(0): the same draws at every call

    def variational_objective(params, t):
        """Provides a stochastic estimate of the variational lower bound."""
        mean, log_std = unpack_params(params)
        samples = rs.randn(num_samples, D) * np.exp(log_std) + mean
        lower_bound = gaussian_entropy(log_std) + np.mean(logprob(samples, t))
        return -lower_bound

    gradient = srcad.grad(variational_objective)
    return variational_objective, gradient, unpack_params


def log_density(x, t):
    # the example's target density (black_box_svi.py, __main__)
    mu, log_sigma = x[:, 0], x[:, 1]
    sigma_density = norm.logpdf(log_sigma, 0, 1.35)
    mu_density = norm.logpdf(mu, 0, np.exp(log_sigma))
    return sigma_density + mu_density


bbsvi_objective, _, _ = black_box_variational_inference(log_density, D=2, num_samples=5)
add(
    "black_box_svi",
    bbsvi_objective,
    (np.array([-0.5, 0.2, -1.0, -0.8]), 0),
    "examples/black_box_svi.py",
    "a log density passed as a value (item 1), a method call on a random-state object, "
    "norm.logpdf, closures",
    note="rs = npr.RandomState(0) became FrozenNoise(0) (deterministic draws)",
)


# ---------------------------------------------------------------- gmm.py
def init_gmm_params(num_components, D, scale, rs=None):
    rs = rs if rs is not None else np.random.RandomState(0)
    return {
        "log proportions": rs.randn(num_components) * scale,
        "means": rs.randn(num_components, D) * scale,
        "lower triangles": np.zeros((num_components, D, D)) + np.eye(D),
    }


def log_normalize(x):
    return x - logsumexp(x)


def unpack_gmm_params(params):
    normalized_log_proportions = log_normalize(params["log proportions"])
    return normalized_log_proportions, params["means"], params["lower triangles"]


def gmm_log_likelihood(params, data):
    cluster_lls = []
    for log_proportion, mean, cov_sqrt in zip(*unpack_gmm_params(params)):
        cov = np.dot(cov_sqrt.T, cov_sqrt)
        cluster_lls.append(log_proportion + mvn.logpdf(data, mean, cov))
    return np.sum(logsumexp(np.vstack(cluster_lls), axis=0))


_gmm_params = init_gmm_params(3, 2, 0.5)
_gmm_params["lower triangles"] = _gmm_params["lower triangles"] + 0.1 * rng(5).standard_normal(
    (3, 2, 2)
)
add(
    "gmm",
    gmm_log_likelihood,
    (_gmm_params, rng(6).standard_normal((8, 2))),
    "examples/gmm.py",
    "zip(*tuple) (item 2), a dict of parameters, list append then vstack, "
    "multivariate_normal.logpdf, logsumexp",
)


# ---------------------------------------------------------------- hmm_em.py
def log_partition_function(natural_params, data):
    if isinstance(data, list):
        return sum(map(partial(log_partition_function, natural_params), data))

    log_pi, log_A, log_B = natural_params

    log_alpha = log_pi
    for y in data:
        log_alpha = logsumexp(log_alpha[:, None] + log_A, axis=0) + log_B[:, y]

    return logsumexp(log_alpha)


def _normalize(a):
    return a / a.sum(-1, keepdims=True)


_hmm = [np.log(_normalize(rng(7).random(s))) for s in ((3,), (3, 3), (3, 4))]
add(
    "hmm_partition_function",
    log_partition_function,
    (_hmm, [np.array([0, 1, 3, 2]), np.array([2, 2, 0])]),
    "examples/hmm_em.py",
    "isinstance branch (item 5), recursion through map(partial(...)) (items 1, 2), "
    "sum() of a map, integer indexing by data",
)


# ---------------------------------------------------------------- ica.py
def make_ica_funs(observed_dimension, latent_dimension):
    """These functions implement independent component analysis."""

    def predict(weights, latents):
        return np.dot(weights, latents).T

    def logprob(weights, latents, noise_std, observed):
        preds = predict(weights, latents)
        log_lik = np.sum(t.logpdf(preds, 2.4, observed, noise_std))
        return log_lik

    num_weights = observed_dimension * latent_dimension

    def unpack_weights(weights):
        return np.reshape(weights, (observed_dimension, latent_dimension))

    # sample() of the example, which draws the data, is left out
    return num_weights, logprob, unpack_weights


_, ica_logprob, _ = make_ica_funs(3, 2)
add(
    "ica",
    ica_logprob,
    (
        rng(8).standard_normal((3, 2)),
        rng(9).standard_normal((2, 6)),
        0.5,
        rng(10).standard_normal((6, 3)),
    ),
    "examples/ica.py",
    "Student-t logpdf with loc and scale, closures",
    note="sample() (data generation) left out",
)


# ---------------------------------------------------------------- negative_binomial_maxlike.py
def negbin_loglike(r, p, x):
    return gammaln(r + x) - gammaln(r) - gammaln(x + 1) + x * np.log(p) + r * np.log(1 - p)


def make_rprime(x):
    # the lambdas of fit_maxlike, which hands rprime to scipy.optimize.newton
    loglike = lambda r, p: np.sum(negbin_loglike(r, p, x))
    p = lambda r: np.sum(x) / np.sum(r + x)
    rprime = lambda r: srcad.grad(loglike)(r, p(r))
    return loglike, rprime


_nb_x = np.array([0.0, 3.0, 1.0, 7.0, 2.0, 0.0, 12.0, 4.0])
nb_loglike, nb_rprime = make_rprime(_nb_x)
add(
    "negative_binomial_loglike",
    nb_loglike,
    (2.5, 0.4),
    "examples/negative_binomial_maxlike.py",
    "a lambda closing over data, gammaln",
    argnums=(0, 1),
)
add(
    "negative_binomial_rprime",
    nb_rprime,
    (2.5,),
    "examples/negative_binomial_maxlike.py",
    "grad of a lambda inside the differentiated lambda (item 3), a lambda calling a lambda",
)


# ---------------------------------------------------------------- fixed_points.py
def fixed_point(f, a, x0, distance, tol):
    # autograd.misc.fixed_points.fixed_point without its @primitive: srcad differentiates
    # the iterations themselves
    _f = f(a)
    x, x_prev = _f(x0), x0
    while distance(x, x_prev) > tol:
        x, x_prev = _f(x), x
    return x


def newton_sqrt_iter(a):
    return lambda x: 0.5 * (x + a / x)


def grad_descent_sqrt_iter(a):
    return lambda x: x - 0.05 * (x**2 - a)


def sqrt(a, guess=10.0):
    return fixed_point(newton_sqrt_iter, a, guess, distance, 1e-4)


def distance(x, y):
    return np.abs(x - y)


add(
    "fixed_point_sqrt",
    sqrt,
    (2.0,),
    "examples/fixed_points.py",
    "a factory returning a lambda passed as a value (item 1), a while loop, tuple swap",
    note="newton_sqrt_iter instead of grad_descent_sqrt_iter (about 200 iterations fewer)",
)


# ---------------------------------------------------------------- mixture_variational_inference.py
def diag_gaussian_log_density(x, mu, log_std):
    return np.sum(norm.logpdf(x, mu, np.exp(log_std)), axis=-1)


def unpack_gaussian_params(params):
    # Variational dist is a diagonal Gaussian.
    D = np.shape(params)[0] // 2
    mean, log_std = params[:D], params[D:]
    return mean, log_std


def variational_log_density_gaussian(params, x):
    mean, log_std = unpack_gaussian_params(params)
    return diag_gaussian_log_density(x, mean, log_std)


def sample_diag_gaussian(params, num_samples, rs):
    mean, log_std = unpack_gaussian_params(params)
    D = np.shape(mean)[0]
    return rs.randn(num_samples, D) * np.exp(log_std) + mean


def variational_lower_bound(params, t, logprob, sampler, log_density, num_samples, rs):
    """Provides a stochastic estimate of the variational lower bound,
    for any variational family and model density."""
    samples = sampler(params, num_samples, rs)
    log_qs = log_density(params, samples)
    log_ps = logprob(samples, t)
    log_ps = np.reshape(log_ps, (num_samples, -1))
    log_qs = np.reshape(log_qs, (num_samples, -1))
    return np.mean(log_ps - log_qs)


add(
    "mixture_vi_lower_bound",
    variational_lower_bound,
    (
        np.array([0.3, -0.2, -1.0, -0.7]),
        0,
        log_density,
        sample_diag_gaussian,
        variational_log_density_gaussian,
        4,
        FrozenNoise(1),
    ),
    "examples/mixture_variational_inference.py",
    "three functions passed as arguments (item 1), an object argument's method, "
    "np.shape on a parameter",
)
