"""Inspecting derivative code: source(), show(), the CLI, inspect, pdb, tracebacks, notebooks."""

from __future__ import annotations

import inspect
import io
import pdb
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import srcad


def loss(w, x):
    h = np.tanh(x @ w)
    return np.sum(h * h)


def test_source_and_inspect_getsource_agree():
    g = srcad.grad(loss)
    text = srcad.source(g)
    assert text.startswith("def grad_loss(w, x):")
    assert inspect.getsource(g).strip() == text.strip().replace("\n\n", "\n") or (
        "def grad_loss(w, x):" in inspect.getsource(g)
    )
    assert g.source == text


def test_show_stages(capsys):
    assert srcad.show(loss, stage="parse") is None  # printed once, not also returned
    assert "h = np.tanh(x @ w)" in capsys.readouterr().out
    srcad.show(loss, stage="anf")
    assert capsys.readouterr().out == textwrap.dedent(
        """\
        def loss(w, x):
            t = x @ w
            h = np.tanh(t)
            t2 = h * h
            result = np.sum(t2)
            return result
        """
    )
    srcad.show(loss, mode="forward", argnums=(0, 1))
    forward = capsys.readouterr().out
    assert "def jvp_loss(w, x, tangents):" in forward and "dw, dx" in forward
    with pytest.raises(srcad.SrcadError, match="stage"):
        srcad.show(loss, stage="nope")


def test_show_says_its_code_is_generic_or_shows_the_specialized_code(capsys):
    w, x = np.ones((3, 2)), np.ones((4, 3))
    srcad.show(loss)
    generic = capsys.readouterr().out
    assert generic.startswith("# generic code, for arguments of any rank")
    assert "rt.matmul_vjp_y" in generic
    g = srcad.grad(loss)
    g(w, x)
    srcad.show(loss, args=(w, x))
    specialized = capsys.readouterr().out
    assert specialized == srcad.source(g).rstrip("\n") + "\n"
    assert "x.T @ " in specialized and "generic" not in specialized


def test_cli_show_prints_the_derivative(tmp_path):
    module = tmp_path / "model.py"
    module.write_text("import numpy as np\n\n\ndef f(x):\n    return np.sum(np.exp(x) * x)\n")
    proc = subprocess.run(
        [sys.executable, "-m", "srcad", "show", f"{module}:f"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("def grad_f(x):")
    assert "# f, model.py:5  return np.sum(np.exp(x) * x)" in proc.stdout
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "srcad",
            "show",
            f"{module}:f",
            "--mode",
            "forward",
            "--stage",
            "anf",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and "t = np.exp(x)" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "srcad", "show", f"{module}:nope"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "defines no 'nope'" in proc.stderr
    helptext = subprocess.run(
        [sys.executable, "-m", "srcad", "--help"], capture_output=True, text=True, timeout=120
    ).stdout
    assert "show" in helptext and "demo" in helptext


def test_pdb_steps_through_generated_lines():
    g = srcad.grad(loss)
    w, x = np.ones((3, 2)) * 0.1, np.ones((4, 3))
    g(w, x)  # generate first, so that stepping goes straight into the generated function
    generated = g.__wrapped__
    commands = io.StringIO("step\nnext\nnext\nlist\ncontinue\n")
    out = io.StringIO()
    debugger = pdb.Pdb(stdin=commands, stdout=out, nosigint=True)
    debugger.use_rawinput = False
    debugger.runcall(generated, w, x)
    printed = out.getvalue()
    assert "<srcad grad of loss" in printed
    assert "h = np.tanh(x @ w)" in printed  # a generated line, listed from linecache


def test_traceback_names_generated_line_and_user_line():
    def broken(x):
        y = np.sin(x)
        return np.sum(y @ np.ones((4, 2)))

    with pytest.raises(ValueError) as info:
        srcad.grad(broken)(np.ones(3))
    frames = [str(f.path) for f in info.traceback]
    assert any(name.startswith("<srcad grad of") for name in frames)
    if sys.version_info >= (3, 11):
        notes = "\n".join(getattr(info.value, "__notes__", []))
        assert "test_inspect.py" in notes and "np.ones((4, 2))" in notes


def test_notebook_display_is_highlighted_html():
    html = srcad.grad(loss)._repr_html_()
    assert "grad_loss" in html and "<" in html
