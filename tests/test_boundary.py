"""What a new user meets first: errors raised where the transform is written, tracebacks that
end at the public API rather than in srcad's internals."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import srcad
from srcad.boundary import public

SRCAD_DIR = str(pathlib.Path(srcad.__file__).resolve().parent)


def _srcad_frames(exc: BaseException) -> list[str]:
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(SRCAD_DIR):
            frames.append(f"{pathlib.Path(filename).name}:{tb.tb_frame.f_code.co_name}")
        tb = tb.tb_next
    return frames


def _refused(x):
    try:
        y = np.sin(x)
    except ValueError:
        y = x
    return np.sum(y)


def test_an_error_of_the_first_call_ends_at_the_call(monkeypatch):
    monkeypatch.delenv("SRCAD_FULL_TRACEBACK", raising=False)
    with pytest.raises(srcad.UnsupportedSyntaxError) as info:
        srcad.grad(_refused)(np.ones(2))
    assert _srcad_frames(info.value) == ["transformed.py:__call__"]
    assert "test_boundary.py" in str(info.value)  # the message names the user's line


def test_errors_of_the_public_functions_end_there(monkeypatch):
    monkeypatch.delenv("SRCAD_FULL_TRACEBACK", raising=False)
    cases = [
        (lambda: srcad.grad(np.fromiter), srcad.SourceUnavailableError),
        (lambda: srcad.jvp(_refused, (np.ones(2),), (np.ones(2),)), srcad.UnsupportedSyntaxError),
        (lambda: srcad.vjp(_refused, np.ones(2)), srcad.UnsupportedSyntaxError),
        (lambda: srcad.jacobian(_refused)(np.ones(2)), srcad.UnsupportedSyntaxError),
        (lambda: srcad.show(_refused), srcad.UnsupportedSyntaxError),
        (lambda: srcad.check_grads(_refused, (np.ones(2),)), srcad.UnsupportedSyntaxError),
        (lambda: srcad.grad(lambda x: x * 2.0)(np.arange(3)), srcad.InputTypeError),
    ]
    for call, kind in cases:
        with pytest.raises(kind) as info:
            call()
        assert len(_srcad_frames(info.value)) <= 2, _srcad_frames(info.value)


def test_full_traceback_on_request(monkeypatch):
    monkeypatch.setenv("SRCAD_FULL_TRACEBACK", "1")
    with pytest.raises(srcad.UnsupportedSyntaxError) as info:
        srcad.grad(_refused)(np.ones(2))
    assert len(_srcad_frames(info.value)) > 3


def test_chained_causes_keep_their_tracebacks(monkeypatch):
    monkeypatch.delenv("SRCAD_FULL_TRACEBACK", raising=False)

    def fails():
        try:
            raise KeyError("inner")
        except KeyError as exc:
            raise srcad.SrcadError("outer", hint="h") from exc

    with pytest.raises(srcad.SrcadError) as info:
        public(fails)()
    cause = info.value.__cause__
    assert isinstance(cause, KeyError) and cause.__traceback__ is not None
    assert info.value.__context__ is cause


def _run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SRCAD_FULL_TRACEBACK"}
    return subprocess.run(
        [sys.executable, *args], input=stdin, capture_output=True, text=True, timeout=120, env=env
    )


_SCRIPT = textwrap.dedent(
    """\
    import numpy as np, srcad
    def f(x):
        return np.sum(x * x)
    g = srcad.grad(f)
    print("not reached")
    """
)


def test_python_c_fails_where_the_transform_is_written():
    proc = _run(["-c", _SCRIPT])
    assert proc.returncode == 1 and "not reached" not in proc.stdout
    assert "SourceUnavailableError" in proc.stderr
    assert "python -c" in proc.stderr


def test_a_script_on_stdin_is_described_as_such():
    proc = _run(["-"], stdin=_SCRIPT)
    assert proc.returncode == 1 and "not reached" not in proc.stdout
    assert "standard input" in proc.stderr and "python -" in proc.stderr


def test_an_uncaught_error_shows_the_users_line_and_one_srcad_frame(tmp_path):
    script = tmp_path / "model.py"
    script.write_text(
        textwrap.dedent(
            """\
            import numpy as np, srcad
            def f(x):
                with open("x") as handle:
                    pass
                return np.sum(x)
            srcad.grad(f)(np.ones(2))
            """
        )
    )
    proc = _run([str(script)])
    assert proc.returncode == 1
    frames = [line for line in proc.stderr.splitlines() if line.lstrip().startswith("File ")]
    assert len(frames) == 2, proc.stderr  # model.py line 6, then srcad's __call__
    assert "model.py:3:5: srcad does not support a with block" in proc.stderr
