"""Rules for numpy.fft.

Every transform is linear, so its tangent is the same transform of the tangent, and its
adjoint is the transposed transform. The DFT matrix is symmetric, so (JAX's convention: a
transpose, no conjugation) fft/ifft/fftn/ifftn transpose to themselves with the same `norm`;
the zero-padding or truncation that `n=`/`s=` apply to the input transposes to the resize
back (`rt.fft_resize`). Real transforms: rfft's transpose is the real part of a full DFT of
the zero-extended half spectrum, which is hfft of the spectrum with the bins strictly inside
(0, n/2) halved (`rt.rfft_weights`); irfft counts those bins twice, so its transpose is ihfft
of the adjoint with them doubled; hfft and ihfft, their conjugate-direction twins, transpose
to rfft and irfft the same way. A real input gets the real part of its adjoint
(`rt.match_real`). With direction axes, transforms get explicit axes counted from the end
(`rt.fft_axis`, `rt.fft_axes`), so that the leading direction axis is never transformed.
"""

from __future__ import annotations

import numpy as np

from .. import runtime as rt
from .template import d, facts, jvp_rule, nb, nondiff, static, vjp_rule

nondiff(
    rt.fft_axis,
    rt.fft_axes,
    rt.axis_sizes,
    rt.rfft_weights,
    rt.fft_length,
    rt.fft_lengths,
)

# ------------------------------------------------------------- 1-D complex transforms


@vjp_rule(np.fft.fft, linear=("a",))
def _(ans, a, n=None, axis=-1, norm=None):
    if static(n is None and axis == -1 and norm is None):
        d[a] = rt.match_real(np.fft.fft(d[ans]), a)
    elif static(n is None):
        d[a] = rt.match_real(np.fft.fft(d[ans], axis=rt.fft_axis(a, axis), norm=norm), a)
    else:
        ax = rt.fft_axis(a, axis)
        d[a] = rt.match_real(
            rt.fft_resize(np.fft.fft(d[ans], axis=ax, norm=norm), rt.axis_sizes(a, (ax,)), (ax,)),
            a,
        )


@jvp_rule(np.fft.fft, linear=("a",))
def _(ans, a, n=None, axis=-1, norm=None):
    if static(n is None and axis == -1 and norm is None):
        d[ans] = np.fft.fft(d[a])
    elif static(nb == 0 or axis < 0):
        d[ans] = np.fft.fft(d[a], n, axis, norm)
    else:
        d[ans] = np.fft.fft(d[a], n, rt.fft_axis(a, axis), norm)


@vjp_rule(np.fft.ifft, linear=("a",))
def _(ans, a, n=None, axis=-1, norm=None):
    if static(n is None and axis == -1 and norm is None):
        d[a] = rt.match_real(np.fft.ifft(d[ans]), a)
    elif static(n is None):
        d[a] = rt.match_real(np.fft.ifft(d[ans], axis=rt.fft_axis(a, axis), norm=norm), a)
    else:
        ax = rt.fft_axis(a, axis)
        d[a] = rt.match_real(
            rt.fft_resize(np.fft.ifft(d[ans], axis=ax, norm=norm), rt.axis_sizes(a, (ax,)), (ax,)),
            a,
        )


@jvp_rule(np.fft.ifft, linear=("a",))
def _(ans, a, n=None, axis=-1, norm=None):
    if static(n is None and axis == -1 and norm is None):
        d[ans] = np.fft.ifft(d[a])
    elif static(nb == 0 or axis < 0):
        d[ans] = np.fft.ifft(d[a], n, axis, norm)
    else:
        d[ans] = np.fft.ifft(d[a], n, rt.fft_axis(a, axis), norm)


# ------------------------------------------------------------------ 1-D real transforms
# rfft and ihfft take real input and keep the n // 2 + 1 bins of a Hermitian spectrum; irfft
# and hfft take that half spectrum (its bin 0 and n/2 count by their real parts only).


@vjp_rule(np.fft.rfft, linear=("a",))
def _(ans, a, n=None, axis=-1, norm=None):
    if static(n is None and axis == -1 and norm is None):
        d[a] = np.fft.hfft(d[ans] * rt.rfft_weights(np.shape(a)[-1], -1, a, 0.5), np.shape(a)[-1])
    else:
        ax = rt.fft_axis(a, axis)
        size = rt.fft_length(a, n, ax)
        d[a] = rt.fft_resize(
            np.fft.hfft(d[ans] * rt.rfft_weights(size, ax, a, 0.5), size, ax, norm),
            rt.axis_sizes(a, (ax,)),
            (ax,),
        )


@vjp_rule(np.fft.ihfft, linear=("a",))
def _(ans, a, n=None, axis=-1, norm=None):
    if static(n is None and axis == -1 and norm is None):
        d[a] = np.fft.irfft(d[ans] * rt.rfft_weights(np.shape(a)[-1], -1, a, 0.5), np.shape(a)[-1])
    else:
        ax = rt.fft_axis(a, axis)
        size = rt.fft_length(a, n, ax)
        d[a] = rt.fft_resize(
            np.fft.irfft(d[ans] * rt.rfft_weights(size, ax, a, 0.5), size, ax, norm),
            rt.axis_sizes(a, (ax,)),
            (ax,),
        )


@vjp_rule(np.fft.irfft, linear=("a",))
def _(ans, a, n=None, axis=-1, norm=None):
    if static(n is None and axis == -1 and norm is None):
        d[a] = rt.match_real(
            np.fft.ihfft(d[ans]) * rt.rfft_weights(np.shape(ans)[-1], -1, a, 2.0), a
        )
    else:
        ax = rt.fft_axis(a, axis)
        spectrum = np.fft.ihfft(d[ans], axis=ax, norm=norm)
        d[a] = rt.match_real(
            rt.fft_resize(
                spectrum * rt.rfft_weights(np.shape(ans)[ax], ax, a, 2.0),
                rt.axis_sizes(a, (ax,)),
                (ax,),
            ),
            a,
        )


@vjp_rule(np.fft.hfft, linear=("a",))
def _(ans, a, n=None, axis=-1, norm=None):
    if static(n is None and axis == -1 and norm is None):
        d[a] = rt.match_real(
            np.fft.rfft(d[ans]) * rt.rfft_weights(np.shape(ans)[-1], -1, a, 2.0), a
        )
    else:
        ax = rt.fft_axis(a, axis)
        spectrum = np.fft.rfft(d[ans], axis=ax, norm=norm)
        d[a] = rt.match_real(
            rt.fft_resize(
                spectrum * rt.rfft_weights(np.shape(ans)[ax], ax, a, 2.0),
                rt.axis_sizes(a, (ax,)),
                (ax,),
            ),
            a,
        )


@jvp_rule(np.fft.rfft, linear=("a",))
def _(ans, a, n=None, axis=-1, norm=None):
    if static(n is None and axis == -1 and norm is None):
        d[ans] = np.fft.rfft(d[a])
    elif static(nb == 0 or axis < 0):
        d[ans] = np.fft.rfft(d[a], n, axis, norm)
    else:
        d[ans] = np.fft.rfft(d[a], n, rt.fft_axis(a, axis), norm)


@jvp_rule(np.fft.ihfft, linear=("a",))
def _(ans, a, n=None, axis=-1, norm=None):
    if static(n is None and axis == -1 and norm is None):
        d[ans] = np.fft.ihfft(d[a])
    elif static(nb == 0 or axis < 0):
        d[ans] = np.fft.ihfft(d[a], n, axis, norm)
    else:
        d[ans] = np.fft.ihfft(d[a], n, rt.fft_axis(a, axis), norm)


@jvp_rule(np.fft.irfft, linear=("a",))
def _(ans, a, n=None, axis=-1, norm=None):
    if static(n is None and axis == -1 and norm is None):
        d[ans] = np.fft.irfft(d[a])
    elif static(nb == 0 or axis < 0):
        d[ans] = np.fft.irfft(d[a], n, axis, norm)
    else:
        d[ans] = np.fft.irfft(d[a], n, rt.fft_axis(a, axis), norm)


@jvp_rule(np.fft.hfft, linear=("a",))
def _(ans, a, n=None, axis=-1, norm=None):
    if static(n is None and axis == -1 and norm is None):
        d[ans] = np.fft.hfft(d[a])
    elif static(nb == 0 or axis < 0):
        d[ans] = np.fft.hfft(d[a], n, axis, norm)
    else:
        d[ans] = np.fft.hfft(d[a], n, rt.fft_axis(a, axis), norm)


# -------------------------------------------------------------- n-D complex transforms


@vjp_rule(np.fft.fftn, linear=("a",))
def _(ans, a, s=None, axes=None, norm=None):
    if static(s is None and norm is None and axes is None and nb == 0):
        d[a] = rt.match_real(np.fft.fftn(d[ans]), a)
    elif static(s is None and nb == 0):
        d[a] = rt.match_real(np.fft.fftn(d[ans], axes=axes, norm=norm), a)
    else:
        ax = rt.fft_axes(a, s, axes)
        d[a] = rt.match_real(
            rt.fft_resize(np.fft.fftn(d[ans], axes=ax, norm=norm), rt.axis_sizes(a, ax), ax), a
        )


@jvp_rule(np.fft.fftn, linear=("a",))
def _(ans, a, s=None, axes=None, norm=None):
    if static(s is None and norm is None and axes is None and nb == 0):
        d[ans] = np.fft.fftn(d[a])
    elif static(nb == 0):
        d[ans] = np.fft.fftn(d[a], s, axes, norm)
    else:
        d[ans] = np.fft.fftn(d[a], s, rt.fft_axes(a, s, axes), norm)


@vjp_rule(np.fft.ifftn, linear=("a",))
def _(ans, a, s=None, axes=None, norm=None):
    if static(s is None and norm is None and axes is None and nb == 0):
        d[a] = rt.match_real(np.fft.ifftn(d[ans]), a)
    elif static(s is None and nb == 0):
        d[a] = rt.match_real(np.fft.ifftn(d[ans], axes=axes, norm=norm), a)
    else:
        ax = rt.fft_axes(a, s, axes)
        d[a] = rt.match_real(
            rt.fft_resize(np.fft.ifftn(d[ans], axes=ax, norm=norm), rt.axis_sizes(a, ax), ax), a
        )


@jvp_rule(np.fft.ifftn, linear=("a",))
def _(ans, a, s=None, axes=None, norm=None):
    if static(s is None and norm is None and axes is None and nb == 0):
        d[ans] = np.fft.ifftn(d[a])
    elif static(nb == 0):
        d[ans] = np.fft.ifftn(d[a], s, axes, norm)
    else:
        d[ans] = np.fft.ifftn(d[a], s, rt.fft_axes(a, s, axes), norm)


@vjp_rule(np.fft.fft2, linear=("a",))
def _(ans, a, s=None, axes=(-2, -1), norm=None):
    if static(s is None and norm is None and axes == (-2, -1)):
        d[a] = rt.match_real(np.fft.fft2(d[ans]), a)
    elif static(s is None and nb == 0):
        d[a] = rt.match_real(np.fft.fft2(d[ans], axes=axes, norm=norm), a)
    else:
        ax = rt.fft_axes(a, s, axes)
        d[a] = rt.match_real(
            rt.fft_resize(np.fft.fft2(d[ans], axes=ax, norm=norm), rt.axis_sizes(a, ax), ax), a
        )


@jvp_rule(np.fft.fft2, linear=("a",))
def _(ans, a, s=None, axes=(-2, -1), norm=None):
    if static(s is None and norm is None and axes == (-2, -1)):
        d[ans] = np.fft.fft2(d[a])
    elif static(nb == 0):
        d[ans] = np.fft.fft2(d[a], s, axes, norm)
    else:
        d[ans] = np.fft.fft2(d[a], s, rt.fft_axes(a, s, axes), norm)


@vjp_rule(np.fft.ifft2, linear=("a",))
def _(ans, a, s=None, axes=(-2, -1), norm=None):
    if static(s is None and norm is None and axes == (-2, -1)):
        d[a] = rt.match_real(np.fft.ifft2(d[ans]), a)
    elif static(s is None and nb == 0):
        d[a] = rt.match_real(np.fft.ifft2(d[ans], axes=axes, norm=norm), a)
    else:
        ax = rt.fft_axes(a, s, axes)
        d[a] = rt.match_real(
            rt.fft_resize(np.fft.ifft2(d[ans], axes=ax, norm=norm), rt.axis_sizes(a, ax), ax), a
        )


@jvp_rule(np.fft.ifft2, linear=("a",))
def _(ans, a, s=None, axes=(-2, -1), norm=None):
    if static(s is None and norm is None and axes == (-2, -1)):
        d[ans] = np.fft.ifft2(d[a])
    elif static(nb == 0):
        d[ans] = np.fft.ifft2(d[a], s, axes, norm)
    else:
        d[ans] = np.fft.ifft2(d[a], s, rt.fft_axes(a, s, axes), norm)


# ----------------------------------------------------------------- n-D real transforms
# rfftn is rfft along the last of its axes followed by fft along the others; irfftn is ifft
# along the others followed by irfft along the last. Their transposes run the other way
# round: the real part (the halved-bins hfft) is taken last, after the complex transposes.


@vjp_rule(np.fft.rfftn, linear=("a",))
def _(ans, a, s=None, axes=None, norm=None):
    ax = rt.fft_axes(a, s, axes)
    size = rt.fft_lengths(a, s, ax)[-1]
    spectrum = rt.fft_resize(
        np.fft.fftn(d[ans], axes=ax[:-1], norm=norm), rt.axis_sizes(a, ax[:-1]), ax[:-1]
    )
    d[a] = rt.fft_resize(
        np.fft.hfft(spectrum * rt.rfft_weights(size, ax[-1], a, 0.5), size, ax[-1], norm),
        rt.axis_sizes(a, ax[-1:]),
        ax[-1:],
    )


@vjp_rule(np.fft.rfft2, linear=("a",))
def _(ans, a, s=None, axes=(-2, -1), norm=None):
    ax = rt.fft_axes(a, s, axes)
    size = rt.fft_lengths(a, s, ax)[-1]
    spectrum = rt.fft_resize(
        np.fft.fftn(d[ans], axes=ax[:-1], norm=norm), rt.axis_sizes(a, ax[:-1]), ax[:-1]
    )
    d[a] = rt.fft_resize(
        np.fft.hfft(spectrum * rt.rfft_weights(size, ax[-1], a, 0.5), size, ax[-1], norm),
        rt.axis_sizes(a, ax[-1:]),
        ax[-1:],
    )


@vjp_rule(np.fft.irfftn, linear=("a",))
def _(ans, a, s=None, axes=None, norm=None):
    ax = rt.fft_axes(a, s, axes)
    spectrum = np.fft.ihfft(d[ans], axis=ax[-1], norm=norm) * rt.rfft_weights(
        np.shape(ans)[ax[-1]], ax[-1], a, 2.0
    )
    half = rt.fft_resize(spectrum, rt.axis_sizes(a, ax[-1:]), ax[-1:])
    d[a] = rt.match_real(
        rt.fft_resize(
            np.fft.ifftn(half, axes=ax[:-1], norm=norm), rt.axis_sizes(a, ax[:-1]), ax[:-1]
        ),
        a,
    )


@vjp_rule(np.fft.irfft2, linear=("a",))
def _(ans, a, s=None, axes=(-2, -1), norm=None):
    ax = rt.fft_axes(a, s, axes)
    spectrum = np.fft.ihfft(d[ans], axis=ax[-1], norm=norm) * rt.rfft_weights(
        np.shape(ans)[ax[-1]], ax[-1], a, 2.0
    )
    half = rt.fft_resize(spectrum, rt.axis_sizes(a, ax[-1:]), ax[-1:])
    d[a] = rt.match_real(
        rt.fft_resize(
            np.fft.ifftn(half, axes=ax[:-1], norm=norm), rt.axis_sizes(a, ax[:-1]), ax[:-1]
        ),
        a,
    )


@jvp_rule(np.fft.rfftn, linear=("a",))
def _(ans, a, s=None, axes=None, norm=None):
    if static(s is None and norm is None and axes is None and nb == 0):
        d[ans] = np.fft.rfftn(d[a])
    elif static(nb == 0):
        d[ans] = np.fft.rfftn(d[a], s, axes, norm)
    else:
        d[ans] = np.fft.rfftn(d[a], s, rt.fft_axes(a, s, axes), norm)


@jvp_rule(np.fft.irfftn, linear=("a",))
def _(ans, a, s=None, axes=None, norm=None):
    if static(s is None and norm is None and axes is None and nb == 0):
        d[ans] = np.fft.irfftn(d[a])
    elif static(nb == 0):
        d[ans] = np.fft.irfftn(d[a], s, axes, norm)
    else:
        d[ans] = np.fft.irfftn(d[a], s, rt.fft_axes(a, s, axes), norm)


@jvp_rule(np.fft.rfft2, linear=("a",))
def _(ans, a, s=None, axes=(-2, -1), norm=None):
    if static(s is None and norm is None and axes == (-2, -1)):
        d[ans] = np.fft.rfft2(d[a])
    elif static(nb == 0):
        d[ans] = np.fft.rfft2(d[a], s, axes, norm)
    else:
        d[ans] = np.fft.rfft2(d[a], s, rt.fft_axes(a, s, axes), norm)


@jvp_rule(np.fft.irfft2, linear=("a",))
def _(ans, a, s=None, axes=(-2, -1), norm=None):
    if static(s is None and norm is None and axes == (-2, -1)):
        d[ans] = np.fft.irfft2(d[a])
    elif static(nb == 0):
        d[ans] = np.fft.irfft2(d[a], s, axes, norm)
    else:
        d[ans] = np.fft.irfft2(d[a], s, rt.fft_axes(a, s, axes), norm)


# ---------------------------------------------------------------------------- shifts
# fftshift and ifftshift are permutations, each the other's inverse (and so transpose).


@vjp_rule(np.fft.fftshift, linear=("x",))
def _(ans, x, axes=None):
    if static(nb == 0):
        d[x] = np.fft.ifftshift(d[ans], axes)
    else:
        d[x] = np.fft.ifftshift(d[ans], rt.fft_axes(x, None, axes))


@jvp_rule(np.fft.fftshift, linear=("x",))
def _(ans, x, axes=None):
    if static(nb == 0):
        d[ans] = np.fft.fftshift(d[x], axes)
    else:
        d[ans] = np.fft.fftshift(d[x], rt.fft_axes(x, None, axes))


@vjp_rule(np.fft.ifftshift, linear=("x",))
def _(ans, x, axes=None):
    if static(nb == 0):
        d[x] = np.fft.fftshift(d[ans], axes)
    else:
        d[x] = np.fft.fftshift(d[ans], rt.fft_axes(x, None, axes))


@jvp_rule(np.fft.ifftshift, linear=("x",))
def _(ans, x, axes=None):
    if static(nb == 0):
        d[ans] = np.fft.ifftshift(d[x], axes)
    else:
        d[ans] = np.fft.ifftshift(d[x], rt.fft_axes(x, None, axes))


# ------------------------------------------------------------------- helpers' own rules


@vjp_rule(rt.fft_resize, linear=("x",))
def _(ans, x, sizes, axes):
    d[x] = rt.fft_resize(d[ans], rt.axis_sizes(x, axes), axes)


@jvp_rule(rt.fft_resize, linear=("x",))
def _(ans, x, sizes, axes):
    d[ans] = rt.fft_resize(d[x], sizes, axes)


# ----------------------------------------------------------------------------- facts
# What the analyses read of these entries besides their templates (srcad.rules.registry.facts).

facts(
    np.fft.fft,
    np.fft.ifft,
    np.fft.fft2,
    np.fft.ifft2,
    np.fft.fftn,
    np.fft.ifftn,
    np.fft.rfft,
    np.fft.rfft2,
    np.fft.rfftn,
    np.fft.ihfft,
    complex_result=True,
)
