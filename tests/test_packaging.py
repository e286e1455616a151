"""What a user installing srcad relies on: its license, its version, its type hints."""

import importlib.metadata
import pathlib
import subprocess
import sys

import srcad

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_license_is_apache_and_shipped():
    text = (ROOT / "LICENSE").read_text()
    assert text.lstrip().startswith("Apache License") and "Version 2.0, January 2004" in text
    meta = importlib.metadata.metadata("srcad")
    assert meta["License-Expression"] == "Apache-2.0"
    assert "LICENSE" in (meta.get_all("License-File") or [])


def test_version_is_defined_once():
    # pyproject.toml reads the version from srcad/__init__.py (hatch's version source).
    assert importlib.metadata.version("srcad") == srcad.__version__
    assert 'dynamic = ["version"]' in (ROOT / "pyproject.toml").read_text()
    proc = subprocess.run(
        [sys.executable, "-m", "srcad", "--version"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0 and proc.stdout.strip() == f"srcad {srcad.__version__}"


def test_package_is_typed():
    assert (ROOT / "srcad" / "py.typed").is_file()
    classifiers = importlib.metadata.metadata("srcad").get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert any(c.startswith("Development Status") for c in classifiers)
