"""Type stubs of the extension module ``flopmarket._native`` (Rust, PyO3). Use the
``flopmarket`` package's functions; these are its building blocks."""

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

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

class NativeTable:
    """One table of a run, read by any Arrow consumer (``pl.DataFrame(t)``,
    ``pa.table(t)``) through the Arrow PyCapsule interface."""

    #: Rows.
    rows: int
    #: Column names, in order.
    columns: List[str]
    #: Each column's dtype as Polars names it (``UInt32``, ``Datetime(ms)``, ...).
    dtypes: List[str]

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object:
        """A PyCapsule holding an ``ArrowArrayStream`` of one record batch."""

class NativeRun:
    """One finished run held in memory."""

    def summary_json(self) -> str:
        """The text of summary.json."""
    def violations(self) -> List[str]:
        """Conservation checks that failed."""
    def table(self, name: str) -> Optional[NativeTable]:
        """Table ``epochs``, ``providers``, ``jobs`` or ``venues`` as an Arrow stream with
        the CLI's columns and dtypes (None: no jobs log, or no venues outside a
        multi-venue world); ValueError for other names."""

#: Reads a Parquet observed series: ``(path, date column, value column)`` to the file's
#: column names and the two columns' cells as text (None for a column it lacks).
SeriesReader = Callable[
    [str, str, str], Tuple[List[str], Optional[List[Optional[str]]], Optional[List[Optional[str]]]]
]

def run(
    scenario: str,
    read_series: SeriesReader,
    seed: Optional[int] = None,
    set: Sequence[str] = ...,
    jobs_log: bool = False,
    max_memory: Optional[int] = None,
    scale: Optional[float] = None,
) -> NativeRun:
    """Runs a scenario (name, path or TOML text) without the GIL: load, overrides, scale,
    observed series, seed, memory check, simulation."""

def validate(scenario: str, read_series: SeriesReader, set: Sequence[str] = ...) -> Dict[str, Any]:
    """What a scenario holds: ``name``, ``days``, ``epoch_h``, ``providers``, ``gpus``,
    ``cohorts``, ``workloads``, ``jobs_per_hour``, ``seed``, ``venues``, ``text``."""

def scenarios() -> List[str]:
    """The built-in scenarios' names."""

def json_to_toml(json: str) -> str:
    """A JSON object as TOML text."""
