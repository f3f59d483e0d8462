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
    def write(
        self, dir: Union[str, PathLike[str]], format: str, into_existing: bool = False
    ) -> List[Path]:
        """Writes the CLI's files as one unit; returns the paths written."""

class NativeRunFiles:
    """A run directory read back after its manifest was checked."""

    def summary_json(self) -> str:
        """The text of summary.json."""
    def violations(self) -> List[str]:
        """Always empty."""
    def table(self, name: str) -> Optional[bytes]:
        """Table ``epochs``, ``providers``, ``jobs``, ``venues`` or ``observed`` as Parquet
        bytes (None when the directory has no such Parquet file)."""

def run(
    scenario: str,
    seed: Optional[int] = None,
    set: Sequence[str] = ...,
    jobs_log: bool = False,
    max_memory: Optional[int] = None,
    scale: Optional[float] = None,
) -> NativeRun:
    """Runs a scenario (name, path or TOML text) through the run pipeline without the GIL."""

def read_run(dir: str) -> NativeRunFiles:
    """Reads a run directory after checking it against its manifest (ValueError names the
    file that does not match)."""

def validate(scenario: str, set: Sequence[str] = ...) -> Dict[str, Any]:
    """What a scenario holds: ``name``, ``days``, ``epoch_h``, ``providers``, ``gpus``,
    ``cohorts``, ``workloads``, ``jobs_per_hour``, ``seed``, ``venues``, ``text``."""

def study(
    study: str,
    small: bool = False,
    threads: Optional[int] = None,
    out: Optional[str] = None,
    write_doc: bool = True,
    progress: Optional[Callable[[int, int], Any]] = None,
) -> Dict[str, Any]:
    """Runs a study; returns the sweep's outcome plus ``name``, ``figures`` (Path),
    ``doc`` (Path) and ``doc_updated`` (bool, or None when the write-up was left alone)."""

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
    shard: Optional[str] = None,
) -> Dict[str, Any]:
    """Runs a sweep (or one shard of it, ``"i/n"``) with the CLI's executor; returns its outcome: ``out`` (Path),
    ``total``, ``done``, ``failed``, ``skipped``, ``threads``, ``wall_s`` [s], ``report``
    (list of Path, or None), ``failures`` (list of (run id, error)), ``notes``."""

def report(dir: str, out: Optional[str] = None) -> List[Path]:
    """Writes the aggregate report of a sweep or run directory."""
