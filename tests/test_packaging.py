"""What a user expects of an installed Python package: ``python -m``, typing marker, licence."""

import subprocess
import sys
import tomllib
from pathlib import Path

import sheetsync

ROOT = Path(__file__).resolve().parents[1]


def test_python_dash_m_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "sheetsync", "--help"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Usage: sheetsync")


def test_typed_marker_and_licence_ship():
    assert (Path(sheetsync.__file__).parent / "py.typed").exists()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["tool"]["setuptools"]["package-data"]["sheetsync"] == ["py.typed"]
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert "License :: OSI Approved :: MIT License" in project["project"]["classifiers"]
