"""What a user expects of an installed Python package: ``python -m``, typing marker, licence."""

import os
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


def test_shell_completion_as_documented():
    env = {**os.environ, "COMP_WORDS": "sheetsync sy", "COMP_CWORD": "1", "_SHEETSYNC_COMPLETE": "bash_complete"}
    out = subprocess.run([sys.executable, "-m", "sheetsync"], env=env, capture_output=True, text=True, timeout=60)
    assert "plain,sync" in out.stdout.splitlines()
    assert "_SHEETSYNC_COMPLETE=bash_source sheetsync" in (ROOT / "docs" / "cli.md").read_text()
