"""The README's `make demo`, on a fresh clone of the committed repository.

`make demo` runs `.venv/bin/sheetsync demo`.  Creating a new virtualenv and
installing from the network is not possible here, so the test runs the same
command from the fresh clone with this interpreter (PYTHONPATH = the clone):
what is proven is that the committed files alone (package data, presets,
emulator, web view) set everything up and finish when not on a terminal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(),
                                reason="needs git and the repository's .git")


def test_make_demo_on_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True, timeout=60)
    if shutil.which("make"):
        dry = subprocess.run(["make", "-n", "demo"], cwd=clone, capture_output=True, text=True, timeout=30)
        assert "sheetsync demo" in dry.stdout
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHEETSYNC_")}
    env.update(PYTHONPATH=str(clone), LANG="C.UTF-8", SHEETSYNC_LOCK_DIR=str(tmp_path / "locks"))
    code = ("import sheetsync, sys; print('module', sheetsync.__file__); "
            "from sheetsync.cli.main import main; main(['demo'])")
    done = subprocess.run([sys.executable, "-c", code], cwd=clone, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=180)
    out = done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"module {clone}" in out                       # the clone's code ran, not this checkout's
    for kecamatan in ("Cengkareng", "Grogol Petamburan", "Kalideres", "Kebon Jeruk", "Kembangan",
                      "Pal Merah", "Taman Sari", "Tambora"):
        assert kecamatan in out, kecamatan
    assert "sheetsync demo --serve" in out                # said how to keep it running
    assert "Traceback" not in done.stderr
