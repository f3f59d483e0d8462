"""Type stubs of the extension module ``flopmarket._native`` (Rust, PyO3). Use the
``flopmarket`` package's functions; these are its building blocks."""

from os import PathLike
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

version: str

class ScenarioError(Exception):
    """A scenario or sweep file is malformed or a value is out of range."""

    #: The file as given (``<built-in NAME>``, ``<string>``, ``<sweep>``; `` (with
    #: --set)`` appended under overrides); ``None`` for a bad override.
    file: Optional[str]
    #: 1-based line; ``None`` when the error has no place in a file.
    line: Optional[int]
    #: 1-based column, in characters; ``None`` when the error has no place in a file.
    column: Optional[int]
    #: What is wrong and what was expected.
    message: str

class NativeRun:
    """One finished run held in memory."""

    def summary_json(self) -> str:
        """The text of summary.json."""
    def violations(self) -> List[str]:
        """Conservation checks that failed."""
    def table(self, name: str) -> Optional[bytes]:
        """Table ``epochs``, ``providers``, ``jobs`` or ``venues`` as Parquet bytes (None:
        no jobs log, or no venues outside a multi-venue world); ValueError for other names."""
    def write(self, dir: Union[str, PathLike[str]], format: str) -> List[Path]:
        """Writes the CLI's files; returns the paths written."""

def run(
    scenario: str,
    seed: Optional[int] = None,
    set: Sequence[str] = ...,
    jobs_log: bool = False,
    max_memory: Optional[int] = None,
) -> NativeRun:
    """Runs a scenario (name, path or TOML text) without the GIL."""

def scenarios() -> List[str]:
    """The built-in scenarios' names."""

def json_to_toml(json: str) -> str:
    """A JSON object as TOML text."""

def sweep(
    path: Optional[str] = None,
    text: Optional[str] = None,
    base_dir: str = ".",
    out: Optional[str] = None,
    threads: Optional[int] = None,
    resume: bool = False,
    progress: Optional[Callable[[int, int], Any]] = None,
) -> Dict[str, Any]:
    """Runs a sweep with the CLI's executor; returns its outcome: ``out`` (Path),
    ``total``, ``done``, ``failed``, ``skipped``, ``threads``, ``wall_s`` [s], ``report``
    (list of Path, or None), ``failures`` (list of (run id, error)), ``notes``."""

def report(dir: str, out: Optional[str] = None) -> List[Path]:
    """Writes the aggregate report of a sweep or run directory."""
