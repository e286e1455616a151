"""Finite-difference PDE steps from Lorena Barba's "12 steps to Navier-Stokes" (CFDPython).

Source: https://github.com/barbagroup/CFDPython/tree/92c8220070824e95402d83f193c4e496f4308dcb/lessons
The lessons are notebook cells working on globals; each cell's time loop is kept as
written inside a function of the quantities to differentiate (the initial field, the
wave speed, the viscosity), which copies its input first (`u = u0.copy()`: the cell
changed a global u) and returns the final field. laplace2d, build_up_b, pressure_poisson
and cavity_flow are functions in the lessons and are kept whole. Grids are small (the
lessons use 41 to 101 points) so that finite differences stay fast.
"""
# ruff: noqa: B007, N803, N806

from __future__ import annotations

import numpy

from . import Program

SOURCE = (
    "https://github.com/barbagroup/CFDPython/blob/92c8220070824e95402d83f193c4e496f4308dcb/lessons/"
)
PROGRAMS: list[Program] = []

nx = 9
nt = 4
dx = 2 / (nx - 1)
dt = 0.025


def _hat(n):
    # the lessons' initial condition: u = 2 between 0.5 and 1, smoothed a little so that
    # the derivative is not the same everywhere
    u = numpy.ones(n)
    u[int(0.5 / dx) : int(1 / dx + 1)] = 2
    return u + 0.1 * numpy.sin(numpy.arange(n))


# ---------------------------------------------------------------- 01_Step_1.ipynb
def linear_convection(u0, c):
    u = u0.copy()
    for n in range(nt):  # loop for values of n from 0 to nt, so it will run nt times
        un = u.copy()  ##copy the existing values of u into un
        for i in range(1, nx):  ## you can try commenting this line and...
            u[i] = un[i] - c * dt / dx * (un[i] - un[i - 1])
    return u


# ---------------------------------------------------------------- 02_Step_2.ipynb
def nonlinear_convection(u0):
    u = u0.copy()
    for n in range(nt):  # iterate through time
        un = u.copy()  ##copy the existing values of u into un
        for i in range(1, nx):  ##now we'll iterate through the u array
            u[i] = un[i] - un[i] * dt / dx * (un[i] - un[i - 1])
    return u


# ---------------------------------------------------------------- 04_Step_3.ipynb
def diffusion(u0, nu):
    sigma = 0.2  # sigma is a parameter, we'll learn more about it later
    dt = sigma * dx**2 / nu  # dt is defined using sigma ... more later!
    u = u0.copy()
    for n in range(nt):  # iterate through time
        un = u.copy()  ##copy the existing values of u into un
        for i in range(1, nx - 1):
            u[i] = un[i] + nu * dt / dx**2 * (un[i + 1] - 2 * un[i] + un[i - 1])
    return u


# ---------------------------------------------------------------- 05_Step_4.ipynb
def burgers(u0, nu):
    dx = 2 * numpy.pi / (nx - 1)
    dt = dx * nu
    u = u0.copy()
    for n in range(nt):
        un = u.copy()
        for i in range(1, nx - 1):
            u[i] = (
                un[i]
                - un[i] * dt / dx * (un[i] - un[i - 1])
                + nu * dt / dx**2 * (un[i + 1] - 2 * un[i] + un[i - 1])
            )
        u[0] = (
            un[0]
            - un[0] * dt / dx * (un[0] - un[-2])
            + nu * dt / dx**2 * (un[1] - 2 * un[0] + un[-2])
        )
        u[-1] = u[0]
    return u


# ---------------------------------------------------------------- 07_Step_5.ipynb
def linear_convection_2d(u0):
    c = 1
    dy = dx
    sigma = 0.2
    dt = sigma * dx
    u = u0.copy()
    for n in range(nt + 1):  ##loop across number of time steps
        un = u.copy()
        row, col = u.shape
        for j in range(1, row):
            for i in range(1, col):
                u[j, i] = (
                    un[j, i]
                    - (c * dt / dx * (un[j, i] - un[j, i - 1]))
                    - (c * dt / dy * (un[j, i] - un[j - 1, i]))
                )
                u[0, :] = 1
                u[-1, :] = 1
                u[:, 0] = 1
                u[:, -1] = 1
    return u


# ---------------------------------------------------------------- 12_Step_9.ipynb
def laplace2d(p, y, dx, dy, l1norm_target):
    l1norm = 1
    pn = numpy.empty_like(p)

    while l1norm > l1norm_target:
        pn = p.copy()
        p[1:-1, 1:-1] = (
            dy**2 * (pn[1:-1, 2:] + pn[1:-1, 0:-2]) + dx**2 * (pn[2:, 1:-1] + pn[0:-2, 1:-1])
        ) / (2 * (dx**2 + dy**2))

        p[:, 0] = 0  # p = 0 @ x = 0
        p[:, -1] = y  # p = y @ x = 2
        p[0, :] = p[1, :]  # dp/dy = 0 @ y = 0
        p[-1, :] = p[-2, :]  # dp/dy = 0 @ y = 1
        l1norm = numpy.sum(numpy.abs(p[:]) - numpy.abs(pn[:])) / numpy.sum(numpy.abs(pn[:]))

    return p


def laplace(y):
    # the lesson's call: p = laplace2d(p, y, dx, dy, 1e-4) from p = zeros, on a 6 x 6 grid
    p = numpy.zeros((6, 6))
    return laplace2d(p, y, 0.4, 0.2, 1e-2)


# ---------------------------------------------------------------- 14_Step_11.ipynb
nit = 5
ny = 6


def build_up_b(b, rho, dt, u, v, dx, dy):
    b[1:-1, 1:-1] = rho * (
        1
        / dt
        * ((u[1:-1, 2:] - u[1:-1, 0:-2]) / (2 * dx) + (v[2:, 1:-1] - v[0:-2, 1:-1]) / (2 * dy))
        - ((u[1:-1, 2:] - u[1:-1, 0:-2]) / (2 * dx)) ** 2
        - 2 * ((u[2:, 1:-1] - u[0:-2, 1:-1]) / (2 * dy) * (v[1:-1, 2:] - v[1:-1, 0:-2]) / (2 * dx))
        - ((v[2:, 1:-1] - v[0:-2, 1:-1]) / (2 * dy)) ** 2
    )

    return b


def pressure_poisson(p, dx, dy, b):
    pn = numpy.empty_like(p)
    pn = p.copy()

    for q in range(nit):
        pn = p.copy()
        p[1:-1, 1:-1] = (
            (pn[1:-1, 2:] + pn[1:-1, 0:-2]) * dy**2 + (pn[2:, 1:-1] + pn[0:-2, 1:-1]) * dx**2
        ) / (2 * (dx**2 + dy**2)) - dx**2 * dy**2 / (2 * (dx**2 + dy**2)) * b[1:-1, 1:-1]

        p[:, -1] = p[:, -2]  # dp/dx = 0 at x = 2
        p[0, :] = p[1, :]  # dp/dy = 0 at y = 0
        p[:, 0] = p[:, 1]  # dp/dx = 0 at x = 0
        p[-1, :] = 0  # p = 0 at y = 2

    return p


def cavity_flow(nt, u, v, dt, dx, dy, p, rho, nu):
    un = numpy.empty_like(u)
    vn = numpy.empty_like(v)
    b = numpy.zeros((ny, nx))

    for n in range(nt):
        un = u.copy()
        vn = v.copy()

        b = build_up_b(b, rho, dt, u, v, dx, dy)
        p = pressure_poisson(p, dx, dy, b)

        u[1:-1, 1:-1] = (
            un[1:-1, 1:-1]
            - un[1:-1, 1:-1] * dt / dx * (un[1:-1, 1:-1] - un[1:-1, 0:-2])
            - vn[1:-1, 1:-1] * dt / dy * (un[1:-1, 1:-1] - un[0:-2, 1:-1])
            - dt / (2 * rho * dx) * (p[1:-1, 2:] - p[1:-1, 0:-2])
            + nu
            * (
                dt / dx**2 * (un[1:-1, 2:] - 2 * un[1:-1, 1:-1] + un[1:-1, 0:-2])
                + dt / dy**2 * (un[2:, 1:-1] - 2 * un[1:-1, 1:-1] + un[0:-2, 1:-1])
            )
        )

        v[1:-1, 1:-1] = (
            vn[1:-1, 1:-1]
            - un[1:-1, 1:-1] * dt / dx * (vn[1:-1, 1:-1] - vn[1:-1, 0:-2])
            - vn[1:-1, 1:-1] * dt / dy * (vn[1:-1, 1:-1] - vn[0:-2, 1:-1])
            - dt / (2 * rho * dy) * (p[2:, 1:-1] - p[0:-2, 1:-1])
            + nu
            * (
                dt / dx**2 * (vn[1:-1, 2:] - 2 * vn[1:-1, 1:-1] + vn[1:-1, 0:-2])
                + dt / dy**2 * (vn[2:, 1:-1] - 2 * vn[1:-1, 1:-1] + vn[0:-2, 1:-1])
            )
        )

        u[0, :] = 0
        u[:, 0] = 0
        u[:, -1] = 0
        u[-1, :] = 1  # set velocity on cavity lid equal to 1
        v[0, :] = 0
        v[-1, :] = 0
        v[:, 0] = 0
        v[:, -1] = 0

    return u, v, p


def lid_driven_cavity(rho, nu):
    # the lesson's driver cell, with nt = 3 steps on a 6 x 9 grid and dt = 0.01
    u = numpy.zeros((ny, nx))
    v = numpy.zeros((ny, nx))
    p = numpy.zeros((ny, nx))
    u, v, p = cavity_flow(3, u, v, 0.01, dx, 2 / (ny - 1), p, rho, nu)
    return u, v, p


def _add(name, fn, args, notebook, exercises, **kw):
    PROGRAMS.append(Program(name, fn, args, SOURCE + notebook, exercises, **kw))


_add(
    "cfd_linear_convection",
    linear_convection,
    (_hat(nx), 1.0),
    "01_Step_1.ipynb",
    "element-by-element updates u[i] = ... of a copy in a double loop (time, space)",
)
_add(
    "cfd_nonlinear_convection",
    nonlinear_convection,
    (_hat(nx),),
    "02_Step_2.ipynb",
    "u[i] = un[i] - un[i] * ...",
)
_add(
    "cfd_diffusion",
    diffusion,
    (_hat(nx), 0.3),
    "04_Step_3.ipynb",
    "a local dt computed from the differentiated viscosity, a three-point stencil",
)
_add(
    "cfd_burgers",
    burgers,
    (1.0 + 0.3 * numpy.sin(numpy.linspace(0, 2 * numpy.pi, nx)), 0.07),
    "05_Step_4.ipynb",
    "periodic boundary u[-1] = u[0], negative indices un[-2]",
)
_add(
    "cfd_linear_convection_2d",
    linear_convection_2d,
    (numpy.ones((5, 5)) + 0.2 * numpy.outer(numpy.arange(5), numpy.ones(5)) ** 0.5,),
    "07_Step_5.ipynb",
    "u[j, i] = ... in nested loops, row assignments u[0, :] = 1 inside the loop, shape unpacking",
)
_add(
    "cfd_laplace",
    laplace,
    (numpy.linspace(0, 1, 6),),
    "12_Step_9.ipynb",
    "a while loop until an l1 norm converges, a helper that fills its argument p in place "
    "and returns it, slice assignments with boundary copies",
    note="the lesson's laplace2d(p, ...) updates p in place and returns it: the caller hands "
    "over a new array and reads only the result",
)
_add(
    "cfd_cavity_flow",
    lid_driven_cavity,
    (1.0, 0.1),
    "14_Step_11.ipynb",
    "Navier-Stokes: helpers updating b, p, u, v in place and returning them, a global nit",
    argnums=(0, 1),
    note="build_up_b, pressure_poisson and cavity_flow update their arguments in place (new "
    "arrays their callers hand over and read only through the results)",
)
