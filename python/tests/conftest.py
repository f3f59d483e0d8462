"""Fixtures: the repository root and the flopmarket CLI to compare the package with.

The CLI is ``$FLOPMARKET_BIN`` (``.ci/run`` sets it), else ``target/debug/flopmarket``
(under ``$CARGO_TARGET_DIR`` when set) as ``cargo build`` or ``cargo test`` leave it, and
the package writes files through the same one; tests that compare with it or write files
are skipped when neither exists and ``$FLOPMARKET_BIN`` is unset.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import List

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def _cli_path() -> Path:
    if "FLOPMARKET_BIN" in os.environ:
        return Path(os.environ["FLOPMARKET_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "debug" / "flopmarket"


# The package writes files through the CLI ($FLOPMARKET_BIN, else `flopmarket` on PATH):
# point it at the one the tests compare with.
if "FLOPMARKET_BIN" not in os.environ and _cli_path().exists():
    os.environ["FLOPMARKET_BIN"] = str(_cli_path())


@pytest.fixture(scope="session")
def cli():
    """Runs the CLI with the given arguments; returns the completed process."""
    path = _cli_path()
    if not path.exists():
        if "FLOPMARKET_BIN" in os.environ:
            pytest.fail(f"FLOPMARKET_BIN={path} does not exist")
        pytest.skip(f"no flopmarket binary at {path} (cargo build --bin flopmarket)")

    def call(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(path), *args], capture_output=True, text=True, timeout=600
        )

    return call


def bad_scenarios() -> List[Path]:
    return sorted((REPO / "tests" / "bad-scenarios").glob("*.toml"))
