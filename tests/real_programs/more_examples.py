"""More published examples: autograd's examples not ported elsewhere, JAX's documentation
notebooks (custom derivative rules, the autodiff cookbook) and numpy's own tutorials.

Sources, each at the commit named in its URL:
- autograd (HIPS/autograd): examples/gplvm.py, examples/bayesian_optimization.py,
  examples/natural_gradient_black_box_svi.py, examples/print_trace.py,
  examples/fluidsim/wing.py;
- JAX (jax-ml/jax): docs/notebooks/Custom_derivative_rules_for_Python_code.md,
  docs/notebooks/autodiff_cookbook.md;
- numpy tutorials (numpy/numpy-tutorials): content/tutorial-deep-learning-on-mnist.md;
- JAX's pytrees tutorial ("Example: ML model parameters", a `Params` NamedTuple), as
  copied into maurock/2D-gaussian-splatting's train.py (the URL's commit).

The code of each function is kept as written. What changed: the imports
(`autograd.numpy`/`jax.numpy` are numpy, `jax.custom_jvp`/`custom_vjp` are srcad's, the
autograd.scipy imports are scipy's), the data (small seeded arrays in place of the
examples' datasets, and smaller grids and step counts so that finite differences stay
fast), and the code that runs at module level in an example (`if __name__ == "__main__"`)
becomes a function of the parameters being optimized, said at each entry.
"""
# ruff: noqa: B007, E731, N802, N803, N806

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.stats import norm

import srcad.tree_util
from srcad import custom_jvp, custom_vjp

from . import Program
from ._data import AUTOGRAD, rng
from .autograd_models import make_gp_funs, rbf_covariance

jnp = np
NUMPY_TUTORIALS = (
    "https://github.com/numpy/numpy-tutorials/blob/d8a82a1b792f24a52eebcf0ae5ec73ccacfef685/"
)
JAX_DOCS = "https://github.com/jax-ml/jax/blob/cec06d116c05f0d52adfceee3d3b730fdbcb0ce5/"
PROGRAMS: list[Program] = []


def add(name, fn, args, source, exercises, **kw):
    PROGRAMS.append(Program(name, fn, args, source, exercises, **kw))


# ---------------------------------------------------------------- autograd: gplvm.py
# The __main__ block's objective, for a 2-d latent space and 2-d data of 9 points.
data_dimension = 2
latent_dimension = 2
params_per_gp, predict, log_marginal_likelihood = make_gp_funs(
    rbf_covariance, num_cov_params=latent_dimension + 1
)
total_gp_params = data_dimension * params_per_gp
data = rng(40).standard_normal((9, data_dimension))
datalen = data.shape[0]
num_latent_params = datalen * latent_dimension


def unpack_params(params):
    gp_params = np.reshape(params[:total_gp_params], (data_dimension, params_per_gp))
    latents = np.reshape(params[total_gp_params:], (datalen, latent_dimension))
    return gp_params, latents


def objective(params):
    gp_params, latents = unpack_params(params)
    gp_likelihood = sum(
        [log_marginal_likelihood(gp_params[i], latents, data[:, i]) for i in range(data_dimension)]
    )
    latent_prior_likelihood = np.sum(norm.logpdf(latents))
    return -gp_likelihood - latent_prior_likelihood


add(
    "gplvm",
    objective,
    (0.1 * rng(41).standard_normal(total_gp_params + num_latent_params),),
    AUTOGRAD + "examples/gplvm.py",
    "closures from a factory called per data column in a list comprehension, sum() of a "
    "list, reshape of slices, multivariate normal and norm.logpdf",
)


# ------------------------------------------------- autograd: bayesian_optimization.py
def expected_new_max(mean, std, max_so_far):
    return (
        max_so_far
        - (mean - max_so_far) * norm.cdf(mean, max_so_far, std)
        + std * norm.pdf(mean, max_so_far, std)
    )


def defaultmax(x, default=-np.inf):
    if x.size == 0:
        return default
    return np.max(x)


# bayesian_optimize's state after a few evaluations: the GP's parameters and its data.
_bo_predict = make_gp_funs(rbf_covariance, num_cov_params=2)[1]
_bo_lml = make_gp_funs(rbf_covariance, num_cov_params=2)[2]
model_params = np.array([0.1, -2.0, 0.3, -1.0])
X = np.array([[0.1], [0.45], [0.8], [1.0]])
y = np.sum(X * np.sin(10.0 * X) + X, axis=1) - 1


def predict_func(xstar, model_params=model_params, X=X, y=y):
    mean, cov = _bo_predict(model_params, X, y, xstar)
    return mean, np.sqrt(np.diag(cov))


def acquisition_function(xstar, y=y):
    xstar = np.atleast_2d(xstar)  # To work around a bug in scipy.minimize
    mean, std = predict_func(xstar)
    return expected_new_max(mean, std, defaultmax(y))


add(
    "bayesian_optimization_acquisition",
    acquisition_function,
    (np.array([0.63]),),
    AUTOGRAD + "examples/bayesian_optimization.py",
    "defaults bound to arrays at definition (model_params=model_params), a helper with an "
    "early return on x.size, norm.cdf/pdf with array location and scale, atleast_2d, "
    "sqrt of a covariance's diagonal",
)

# optimize_gp_params's objective: two lambdas, one calling the other.
log_hyperprior = lambda params: np.sum(norm.logpdf(params, 0.0, 100.0))
gp_objective = lambda params: -_bo_lml(params, X, y) - log_hyperprior(params)
add(
    "bayesian_optimization_gp_objective",
    gp_objective,
    (model_params,),
    AUTOGRAD + "examples/bayesian_optimization.py",
    "a lambda differentiated directly, calling another lambda and a closure",
)


# ------------------------------------- autograd: natural_gradient_black_box_svi.py
obs_dim = 5
Y = rng(42).standard_normal((obs_dim, obs_dim)).dot(rng(43).standard_normal(obs_dim))


def log_density(x, t):
    mu, log_sigma = x[:, :obs_dim], x[:, obs_dim:]
    sigma_density = np.sum(norm.logpdf(log_sigma, 0, 1.35), axis=1)
    mu_density = np.sum(norm.logpdf(Y, mu, np.exp(log_sigma)), axis=1)
    return sigma_density + mu_density


add(
    "natural_gradient_log_density",
    lambda x, t: np.sum(log_density(x, t)),  # the example sums it over samples
    (0.3 * rng(44).standard_normal((3, 2 * obs_dim)), 0),
    AUTOGRAD + "examples/natural_gradient_black_box_svi.py",
    "column slices of a 2-d parameter, norm.logpdf with a broadcast scale, an unused "
    "integer argument",
)


# ---------------------------------------------------------------- autograd: print_trace.py
def avg(x, y):
    return (x + y) / 2


def fun(x):
    y = np.sin(x + x)
    return avg(y, y)


add(
    "print_trace_fun",
    fun,
    (1.23,),
    AUTOGRAD + "examples/print_trace.py",
    "a Python float through a helper called with the same value twice",
)


# ------------------------------------------------------------ autograd: fluidsim/wing.py
rows, cols = 8, 10


def occlude(f, occlusion):
    return f * (1 - occlusion)


def project(vx, vy, occlusion):
    """Project the velocity field to be approximately mass-conserving,
    using a few iterations of Gauss-Seidel."""
    p = np.zeros(vx.shape)
    div = -0.5 * (
        np.roll(vx, -1, axis=1)
        - np.roll(vx, 1, axis=1)
        + np.roll(vy, -1, axis=0)
        - np.roll(vy, 1, axis=0)
    )
    div = make_continuous(div, occlusion)

    for k in range(50):
        p = (
            div
            + np.roll(p, 1, axis=1)
            + np.roll(p, -1, axis=1)
            + np.roll(p, 1, axis=0)
            + np.roll(p, -1, axis=0)
        ) / 4.0
        p = make_continuous(p, occlusion)

    vx = vx - 0.5 * (np.roll(p, -1, axis=1) - np.roll(p, 1, axis=1))
    vy = vy - 0.5 * (np.roll(p, -1, axis=0) - np.roll(p, 1, axis=0))

    vx = occlude(vx, occlusion)
    vy = occlude(vy, occlusion)
    return vx, vy


def advect(f, vx, vy):
    """Move field f according to x and y velocities (u and v)
    using an implicit Euler integrator."""
    rows, cols = f.shape
    cell_xs, cell_ys = np.meshgrid(np.arange(cols), np.arange(rows))
    center_xs = (cell_xs - vx).ravel()
    center_ys = (cell_ys - vy).ravel()

    # Compute indices of source cells.
    left_ix = np.floor(center_ys).astype(int)
    top_ix = np.floor(center_xs).astype(int)
    rw = center_ys - left_ix  # Relative weight of right-hand cells.
    bw = center_xs - top_ix  # Relative weight of bottom cells.
    left_ix = np.mod(left_ix, rows)  # Wrap around edges of simulation.
    right_ix = np.mod(left_ix + 1, rows)
    top_ix = np.mod(top_ix, cols)
    bot_ix = np.mod(top_ix + 1, cols)

    # A linearly-weighted sum of the 4 surrounding cells.
    flat_f = (1 - rw) * ((1 - bw) * f[left_ix, top_ix] + bw * f[left_ix, bot_ix]) + rw * (
        (1 - bw) * f[right_ix, top_ix] + bw * f[right_ix, bot_ix]
    )
    return np.reshape(flat_f, (rows, cols))


def make_continuous(f, occlusion):
    non_occluded = 1 - occlusion
    num = (
        np.roll(f, 1, axis=0) * np.roll(non_occluded, 1, axis=0)
        + np.roll(f, -1, axis=0) * np.roll(non_occluded, -1, axis=0)
        + np.roll(f, 1, axis=1) * np.roll(non_occluded, 1, axis=1)
        + np.roll(f, -1, axis=1) * np.roll(non_occluded, -1, axis=1)
    )
    den = (
        np.roll(non_occluded, 1, axis=0)
        + np.roll(non_occluded, -1, axis=0)
        + np.roll(non_occluded, 1, axis=1)
        + np.roll(non_occluded, -1, axis=1)
    )
    return f * non_occluded + (1 - non_occluded) * num / (den + 0.001)


def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)  # Output ranges from 0 to 1.


def simulate(vx, vy, num_time_steps, occlusion, ax=None, render=False):
    occlusion = sigmoid(occlusion)

    # Disallow occlusion outside a certain area.
    mask = np.zeros((rows, cols))
    mask[2:6, 2:6] = 1.0  # the example's [10:30, 10:30] on its 40x60 grid
    occlusion = occlusion * mask

    # Initialize smoke bands.
    red_smoke = np.zeros((rows, cols))
    red_smoke[rows // 4 : rows // 2] = 1
    blue_smoke = np.zeros((rows, cols))
    blue_smoke[rows // 2 : 3 * rows // 4] = 1

    # print("Running simulation...") and the calls to plot_matrix (ax is None) are left out
    vx, vy = project(vx, vy, occlusion)
    for t in range(num_time_steps):
        vx_updated = advect(vx, vx, vy)
        vy_updated = advect(vy, vx, vy)
        vx, vy = project(vx_updated, vy_updated, occlusion)
        red_smoke = advect(red_smoke, vx, vy)
        red_smoke = occlude(red_smoke, occlusion)
        blue_smoke = advect(blue_smoke, vx, vy)
        blue_smoke = occlude(blue_smoke, occlusion)
    return vx, vy


simulation_timesteps = 2
init_vx = np.ones((rows, cols))
init_vy = np.zeros((rows, cols))


def drag(vx):
    return np.mean(init_vx - vx)


def lift(vy):
    return np.mean(vy - init_vy)


def wing_objective(params):
    cur_occlusion = np.reshape(params, (rows, cols))
    final_vx, final_vy = simulate(init_vx, init_vy, simulation_timesteps, cur_occlusion)
    return -lift(final_vy) / drag(final_vx)


_occlusion = -np.ones((rows, cols))
_occlusion[3:5, 3:5] = 0.0
add(
    "wing",
    wing_objective,
    (_occlusion.ravel() + 0.1 * rng(45).standard_normal(rows * cols),),
    AUTOGRAD + "examples/fluidsim/wing.py",
    "a 50-step Gauss-Seidel loop inside a time loop, roll, masks written by slice "
    "assignment into fresh arrays, semi-Lagrangian advection (floor, astype(int), mod, "
    "gather), module-level globals read by helpers, a ratio of means",
    smooth=False,
    note="piecewise linear in the velocities (floor): first order only; grid 8x10, 2 steps",
)


# ------------------------------ JAX docs: Custom_derivative_rules_for_Python_code.md
@custom_jvp
def f_custom_jvp(x, y):
    return jnp.sin(x) * y


@f_custom_jvp.defjvp
def f_jvp(primals, tangents):
    x, y = primals
    x_dot, y_dot = tangents
    primal_out = f_custom_jvp(x, y)
    tangent_out = jnp.cos(x) * x_dot * y + jnp.sin(x) * y_dot
    return primal_out, tangent_out


add(
    "jax_custom_jvp_sin_times_y",
    lambda x, y: jnp.sum(f_custom_jvp(x, y)),
    (np.array([0.3, 1.1]), np.array([2.0, -0.5])),
    JAX_DOCS + "docs/notebooks/Custom_derivative_rules_for_Python_code.md",
    "a custom_jvp rule (the doc's `f`, renamed f_custom_jvp) transposed for reverse mode "
    "and differentiated again at order 2",
)


@custom_jvp
def log1pexp(x):
    return jnp.log(1.0 + jnp.exp(x))


@log1pexp.defjvp
def log1pexp_jvp(primals, tangents):
    (x,) = primals
    (x_dot,) = tangents
    ans = log1pexp(x)
    ans_dot = (1 - 1 / (1 + jnp.exp(x))) * x_dot
    return ans, ans_dot


add(
    "jax_custom_jvp_log1pexp",
    log1pexp,
    (3.0,),
    JAX_DOCS + "docs/notebooks/Custom_derivative_rules_for_Python_code.md",
    "a custom_jvp rule for numerical stability, on a Python float",
)


@custom_jvp
def f_sqrt_ratio(x):
    return x / (1 + jnp.sqrt(x))


@f_sqrt_ratio.defjvp
def f_sqrt_ratio_jvp(primals, tangents):
    (x,) = primals
    (x_dot,) = tangents
    ans = f_sqrt_ratio(x)
    ans_dot = ((jnp.sqrt(x) + 2) / (2 * (jnp.sqrt(x) + 1) ** 2)) * x_dot
    return ans, ans_dot


add(
    "jax_custom_jvp_sqrt_ratio",
    f_sqrt_ratio,
    (0.7,),
    JAX_DOCS + "docs/notebooks/Custom_derivative_rules_for_Python_code.md",
    "a custom_jvp rule that reuses the primal inside the rule",
)


@custom_vjp
def f_custom_vjp(x, y):
    return jnp.sin(x) * y


def f_fwd(x, y):
    # Returns primal output and residuals to be used in backward pass by f_bwd.
    return f_custom_vjp(x, y), (jnp.cos(x), jnp.sin(x), y)


def f_bwd(res, g):
    cos_x, sin_x, y = res  # Gets residuals computed in f_fwd
    return (cos_x * g * y, sin_x * g)


f_custom_vjp.defvjp(f_fwd, f_bwd)
add(
    "jax_custom_vjp_sin_times_y",
    f_custom_vjp,
    (0.4, 1.5),
    JAX_DOCS + "docs/notebooks/Custom_derivative_rules_for_Python_code.md",
    "a custom_vjp rule with residuals, the decorated function differentiated directly "
    "(forward mode differentiates its body)",
    argnums=(0, 1),
)


# ----------------------------------------------- JAX docs: autodiff_cookbook.md
def cookbook_sigmoid(x):
    return 0.5 * (jnp.tanh(x / 2) + 1)


# Outputs probability of a label being true.
def cookbook_predict(W, b, inputs):
    return cookbook_sigmoid(jnp.dot(inputs, W) + b)


cookbook_inputs = jnp.array(
    [[0.52, 1.12, 0.77], [0.88, -1.08, 0.15], [0.52, 0.06, -1.30], [0.74, -2.49, 1.39]]
)
cookbook_targets = jnp.array([True, True, False, True])


def predict_dict(params, inputs):
    return cookbook_predict(params["W"], params["b"], inputs)


def cookbook_loss2(params_dict):
    preds = cookbook_predict(params_dict["W"], params_dict["b"], cookbook_inputs)
    label_probs = preds * cookbook_targets + (1 - preds) * (1 - cookbook_targets)
    return -jnp.sum(jnp.log(label_probs))


add(
    "jax_cookbook_loss_dict",
    cookbook_loss2,
    ({"W": np.array([0.2, -0.4, 0.1]), "b": 0.3},),
    JAX_DOCS + "docs/notebooks/autodiff_cookbook.md",
    "a dict of parameters (an array and a Python float), boolean targets in arithmetic",
)
add(
    "jax_cookbook_predict_dict",
    lambda params, inputs: jnp.sum(predict_dict(params, inputs) ** 2),
    ({"W": np.array([0.2, -0.4, 0.1]), "b": 0.3}, cookbook_inputs),
    JAX_DOCS + "docs/notebooks/autodiff_cookbook.md",
    "the cookbook's jacrev(predict_dict) example, reduced to a scalar",
)


def cookbook_try(x):
    try:
        if x < 3:
            return 2 * x**3
        else:
            raise ValueError
    except ValueError:
        return jnp.pi * x


add(
    "jax_cookbook_try_except",
    cookbook_try,
    (2.0,),
    JAX_DOCS + "docs/notebooks/autodiff_cookbook.md",
    "try/except around a branch on a differentiated float that raises (the cookbook's "
    "example of Python control flow that jit cannot trace but grad can)",
)


# --------------------------- numpy tutorials: tutorial-deep-learning-on-mnist.md
def relu(x):
    return (x >= 0) * x


def relu2deriv(output):
    return output >= 0


training_images = rng(46).random((3, 12))
training_labels = np.eye(4)[[0, 2, 3]]
learning_rate = 0.005


def mnist_tutorial_epoch(weights_1, weights_2):
    # The tutorial's training step for one epoch, as a function of the initial weights
    # (the code inside the loop is the tutorial's; the dropout generator is seeded here,
    # and the weights, globals updated in place in the tutorial, are copies of the arguments).
    weights_1, weights_2 = weights_1.copy(), weights_2.copy()
    rng = np.random.default_rng(0)
    training_loss = 0.0
    training_accurate_predictions = 0
    for i in range(len(training_images)):
        layer_0 = training_images[i]
        layer_1 = np.dot(layer_0, weights_1)
        layer_1 = relu(layer_1)
        dropout_mask = rng.integers(low=0, high=2, size=layer_1.shape)
        layer_1 *= dropout_mask * 2
        layer_2 = np.dot(layer_1, weights_2)
        training_loss += np.sum((training_labels[i] - layer_2) ** 2)
        training_accurate_predictions += int(np.argmax(layer_2) == np.argmax(training_labels[i]))
        layer_2_delta = training_labels[i] - layer_2
        layer_1_delta = np.dot(weights_2, layer_2_delta) * relu2deriv(layer_1)
        layer_1_delta *= dropout_mask
        weights_1 += learning_rate * np.outer(layer_0, layer_1_delta)
        weights_2 += learning_rate * np.outer(layer_1, layer_2_delta)
    return training_loss


add(
    "numpy_tutorial_mnist_epoch",
    mnist_tutorial_epoch,
    (0.2 * rng(47).standard_normal((12, 5)), 0.2 * rng(48).standard_normal((5, 4))),
    NUMPY_TUTORIALS + "content/tutorial-deep-learning-on-mnist.md",
    "differentiating through a training loop that updates its weights in place (+=), "
    "a seeded dropout mask, *= on a fresh array, int() of a comparison, relu as a product "
    "with a boolean",
    argnums=(0, 1),
    smooth=False,
)


# ------------------------- JAX's pytrees tutorial: a Params NamedTuple (train.py's copy)
PYTREES_TUTORIAL = (
    "https://github.com/maurock/2D-gaussian-splatting/blob/"
    "da33dde2a65d0d7bb5635019420570a8419c89fb/train.py"
)


class jax:  # noqa: N801 - the tutorial's jax.grad and jax.tree_map are srcad's
    grad = staticmethod(srcad.grad)
    tree_map = staticmethod(srcad.tree_util.tree_map)


class Params(NamedTuple):
    weight: jnp.ndarray
    bias: jnp.ndarray


def loss(params: Params, x: jnp.ndarray, y: jnp.ndarray) -> jnp.ndarray:
    """Computes the least squares error of the model's predictions on x against y."""
    pred = params.weight * x + params.bias
    return jnp.mean((pred - y) ** 2)


LEARNING_RATE = 0.005


def update(params: Params, x: jnp.ndarray, y: jnp.ndarray) -> Params:
    """Performs one SGD update step on params using the given data."""
    grad = jax.grad(loss)(params, x, y)

    # If we were using Adam or another stateful optimizer,
    # we would also do something like
    # ```
    # updates, new_optimizer_state = optimizer(grad, optimizer_state)
    # ```
    # and then use `updates` instead of `grad` to actually update the params.
    # (And we'd include `new_optimizer_state` in the output, naturally.)

    new_params = jax.tree_map(lambda param, g: param - g * LEARNING_RATE, params, grad)

    return new_params


pytree_xs = rng(49).normal(size=(100,))
pytree_ys = 3 * pytree_xs - 1 + 0.5 * rng(50).normal(size=(100,))


def pytrees_tutorial_loss(weight, bias):
    # the tutorial's `params = init(rng)`: Params built from the values being optimized
    params = Params(weight, bias)
    return loss(params, pytree_xs, pytree_ys)


add(
    "jax_pytrees_params_namedtuple",
    pytrees_tutorial_loss,
    (0.7, -0.3),
    PYTREES_TUTORIAL,
    "a typing.NamedTuple of parameters built inside the differentiated function and "
    "passed to a helper that reads its fields by name",
    argnums=(0, 1),
)


def pytrees_tutorial_training(weight, bias):
    # the tutorial's training loop (`for _ in range(1000): params = update(params, xs,
    # ys)`), three steps, differentiated with respect to the initial parameters
    params = Params(weight, bias)
    for _ in range(3):
        params = update(params, pytree_xs, pytree_ys)
    return loss(params, pytree_xs, pytree_ys)


add(
    "jax_pytrees_sgd_steps",
    pytrees_tutorial_training,
    (0.7, -0.3),
    PYTREES_TUTORIAL,
    "a NamedTuple built inside and rebuilt by each SGD step, grad inside differentiated "
    "code, tree_map of a lambda over a NamedTuple",
    argnums=(0, 1),
    # tree_map runs the lambda inside srcad's own helper, which srcad does not read
    refused="update() changes",
    cause=0,
)
