"""The shape of the code, kept by tests: lint findings and stray files fail the suite."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = (".png", ".jpg", ".jpeg", ".pdf", ".zip", ".xlsx", ".db", ".sqlite", ".sqlite3")
# Where a committed binary belongs: our static files, test fixtures, documentation.
BINARY_HOMES = ("static/", "tests/", "docs/")


def ruff() -> str:
    found = shutil.which("ruff", path=os.path.dirname(sys.executable)) or shutil.which("ruff")
    if found is None:
        pytest.fail("ruff is not installed: make install-dev")
    return found


def test_ruff_finds_nothing():
    result = subprocess.run([ruff(), "check", "--output-format", "concise", ROOT], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_would_catch_an_unused_import(tmp_path):
    """The check itself works: a file with a finding fails it (with the project's settings)."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n")
    result = subprocess.run([ruff(), "check", "--config", os.path.join(ROOT, "ruff.toml"), str(bad)],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "F401" in result.stdout


def test_no_stray_renders_are_committed():
    """A poster or certificate rendered while trying something out stays out of the tree."""
    if not os.path.isdir(os.path.join(ROOT, ".git")):
        pytest.skip("not a git checkout")
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    strays = [f for f in files if f.lower().endswith(BINARY) and not f.startswith(BINARY_HOMES)]
    assert strays == []


def test_each_module_holds_one_concern():
    """No module under volunteer/ grows past about 400 lines: split it by use case first."""
    long = {str(p.relative_to(ROOT)): n for p in Path(ROOT, "volunteer").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
