"""flopmarket: a discrete-event simulator of decentralized GPU markets, from Python.

Runs, sweeps and reports of the Rust simulator (the ``flopmarket`` command line) with
results as Polars frames::

    import flopmarket as fm
    r = fm.run("akash", set={"scenario.duration": "30d"})
    r.summary["savings_pct"]                         # [%] vs the cloud baseline
    r.epochs.filter(pl.col("gpu_model") == "all")   # one row per epoch

The tables have the columns and dtypes of the CLI's Parquet files (docs/guide/outputs.md);
units are in the column names and in docs/guide/outputs.md's summary.json table: ``_usd`` [USD],
``_h`` [hours since the start], ``_s`` [seconds], ``gpu_hours_*`` [GPU-hours],
``usd_per_gpu_hour`` [USD per GPU-hour], fractions in [0, 1].
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import polars as pl

from . import _native
from ._native import ScenarioError

__all__ = [
    "Run",
    "ScenarioError",
    "StudyResult",
    "SweepResult",
    "__version__",
    "read_run",
    "report",
    "run",
    "scenarios",
    "study",
    "sweep",
    "validate",
]

__version__: str = _native.version

PathLike = Union[str, "os.PathLike[str]"]
Overrides = Union[Mapping[str, Any], Sequence[str], None]


def _overrides(set: Overrides) -> List[str]:
    """``{"a.b": v}`` or ``["a.b=v"]`` as the CLI's ``--set a.b=v`` strings."""
    if set is None:
        return []
    if isinstance(set, Mapping):
        return [f"{key}={_value_text(value)}" for key, value in set.items()]
    if isinstance(set, str):
        return [set]
    return [str(s) for s in set]


def _value_text(value: Any) -> str:
    """A Python value as the CLI's ``--set`` value text (TOML where it is not a plain
    string: booleans ``true``/``false``, lists and tables as JSON, which TOML reads)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)
    return str(value)


class Run:
    """One finished run of a scenario, held in memory.

    Attributes are computed on first access and kept.
    """

    def __init__(self, native: Union["_native.NativeRun", "_native.NativeRunFiles"]) -> None:
        self._native = native
        self._summary: Optional[Dict[str, Any]] = None
        self._tables: Dict[str, Optional[pl.DataFrame]] = {}

    @property
    def summary(self) -> Dict[str, Any]:
        """The headline figures: the object of the CLI's ``summary.json`` (README
        "summary.json" lists every field and its unit: ``*_usd`` [USD], ``*_s`` [s],
        ``*_pct`` [%], ``gpu_hours_*`` [GPU-h], ``utilization`` [fraction]). Figures that are
        not finite are ``None``."""
        if self._summary is None:
            self._summary = json.loads(self._native.summary_json())
        return self._summary

    def _table(self, name: str) -> Optional[pl.DataFrame]:
        if name not in self._tables:
            data = self._native.table(name)
            self._tables[name] = None if data is None else pl.read_parquet(io.BytesIO(data))
        return self._tables[name]

    def table(self, name: str) -> Optional[pl.DataFrame]:
        """Table ``name`` as the CLI writes it: ``"epochs"``, ``"providers"``, ``"jobs"``
        (``None`` without ``jobs_log=True``) or ``"venues"`` (``None`` unless the scenario
        is a multi-venue world). Raises ``ValueError`` for any other name."""
        return self._table(name)

    @property
    def epochs(self) -> pl.DataFrame:
        """Time series: one row per epoch per GPU model plus a ``gpu_model == "all"`` row
        per epoch (the CLI's ``epochs.parquet``). Times ``t_start_h``/``t_end_h`` [h since
        the start], ``date`` [UTC Datetime(ms), null without ``[scenario] start``],
        ``gpu_hours_*`` [GPU-h], money [USD], prices [USD per GPU-hour], tokens [tokens],
        ``token_price_usd`` [USD per token]. Counts that cannot be split by model are null
        on model rows."""
        frame = self._table("epochs")
        assert frame is not None
        return frame

    @property
    def providers(self) -> pl.DataFrame:
        """One row per provider over the run (the CLI's ``providers.parquet``): ask [USD per
        GPU-hour], uptime and utilization [fraction], GPU-hours [GPU-h], revenue, costs,
        capex and profit [USD], token rewards [tokens], ``payback_months`` [months of
        730.5 h]."""
        frame = self._table("providers")
        assert frame is not None
        return frame

    @property
    def jobs(self) -> Optional[pl.DataFrame]:
        """One row per job (the CLI's ``jobs.parquet``) when run with ``jobs_log=True``,
        else ``None``: sizes [reference GPU-hours per GPU], ``submitted_h``,
        ``first_start_h``, ``end_h`` [h since the start], ``wait_s`` [s], price [USD per
        GPU-hour], spend [USD]."""
        return self._table("jobs")

    @property
    def venues(self) -> Optional[pl.DataFrame]:
        """One row per venue and epoch of a multi-venue world (the CLI's
        ``venues.parquet``), else ``None``: ``date`` [UTC Datetime(ms)], ``jobs_routed``,
        ``demand_share`` [fraction], ``gpu_hours`` [GPU-h], ``spend_usd`` [USD],
        ``providers``, ``gpus``, ``providers_in``/``providers_out`` (moves at the epoch's
        close), ``return_usd_per_gpu_hour`` [USD per GPU-hour]. In a world the epochs,
        providers and jobs tables start with a ``venue`` column."""
        return self._table("venues")

    @property
    def violations(self) -> List[str]:
        """Conservation checks that failed; empty when jobs, money and tokens add up."""
        return self._native.violations()

    def write(
        self, dir: PathLike, format: str = "parquet", into_existing: bool = False
    ) -> List[Path]:
        """Writes the files ``flopmarket run --out DIR`` writes (tables, report.md/.html,
        charts, summary.json, manifest.json last) into ``dir`` as one unit: staged beside
        it and put in place at once, so ``dir`` holds the previous complete run or this
        one, never a mix, and is untouched when writing fails (``OSError``). ``format``:
        ``"parquet"``, ``"csv"`` or ``"both"``. A non-empty ``dir`` that holds no run is
        refused (``ValueError``) unless ``into_existing=True``: then only the run's own
        files are written there. Returns the paths written."""
        if not isinstance(self._native, _native.NativeRun):
            raise TypeError("a run read from its files is already written; copy its directory")
        return [Path(p) for p in self._native.write(os.fspath(dir), format, into_existing)]

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<flopmarket.Run {s.get('scenario')!r} seed={s.get('seed')} "
            f"jobs={s.get('jobs_submitted')} utilization={s.get('utilization')}>"
        )


def run(
    scenario: PathLike,
    seed: Optional[int] = None,
    set: Overrides = None,
    jobs_log: bool = False,
    max_memory: Optional[int] = None,
    scale: Optional[float] = None,
) -> Run:
    """Runs one scenario to its horizon and returns its results in memory (the CLI's run
    pipeline: load, overrides, scale, observed series, seed, memory check, run).

    Args:
        scenario: a built-in name (``flopmarket.scenarios()``), the path of a scenario
            file, or scenario TOML text.
        seed: the run's seed; ``None``: the scenario's own.
        set: overrides by dotted path, as ``--set``: ``{"scenario.duration": "30d",
            "providers.0.count": 80}`` or ``["market.take_rate=0.02"]``.
        jobs_log: also keep one row per job (``Run.jobs``).
        max_memory: refuse a scenario estimated to need more [bytes]; 0: no limit;
            ``None``: ``$FLOPMARKET_MAX_MEMORY``, else the memory available now.
        scale: scale supply and demand K-fold, as ``--scale K`` (README "Scaling a
            scenario").

    Raises:
        ScenarioError: the scenario is malformed (``file``, ``line``, ``column``,
            ``message``).
        ValueError: the scenario would not fit in memory, or ``scale`` is not > 0.
        RuntimeError: an internal error, or a conservation check failed.

    The GIL is released while the simulation runs.
    """
    native = _native.run(
        os.fspath(scenario), seed, _overrides(set), jobs_log, max_memory, scale
    )
    result = Run(native)
    violations = result.violations
    if violations:
        raise RuntimeError("conservation check failed: " + "; ".join(violations))
    return result


def read_run(dir: PathLike) -> Run:
    """Reads a run directory written by ``flopmarket run`` or :meth:`Run.write` back as a
    :class:`Run` (summary and tables; ``write`` is not available), after checking every
    file against its ``manifest.json``. Raises ``ValueError`` naming the first file that
    does not match (the directory mixes two runs' files, or was changed), or when ``dir``
    holds no manifest."""
    return Run(_native.read_run(os.fspath(dir)))


def validate(scenario: PathLike, set: Overrides = None) -> Dict[str, Any]:
    """Checks a scenario as ``flopmarket validate`` does and returns what it holds:
    ``name``, ``days``, ``epoch_h`` [h], ``providers``, ``gpus``, ``cohorts``,
    ``workloads``, ``jobs_per_hour`` [jobs/h at the start], ``seed``, ``venues`` (a
    world's, as "name (kind)") and ``text`` (the CLI's lines). Raises
    :class:`ScenarioError` when it is malformed."""
    return dict(_native.validate(os.fspath(scenario), _overrides(set)))


def scenarios() -> List[str]:
    """The built-in scenarios' names (``flopmarket list`` describes them)."""
    return list(_native.scenarios())


class SweepResult:
    """What a sweep did and where its files are."""

    def __init__(self, outcome: Dict[str, Any]) -> None:
        #: The sweep directory.
        self.out: Path = Path(outcome["out"])
        #: Runs in the sweep.
        self.total: int = outcome["total"]
        #: Runs finished in this call, failed ones included.
        self.done: int = outcome["done"]
        #: Runs that failed.
        self.failed: int = outcome["failed"]
        #: (run id, error) of each failed run (also in ``runs/<id>/failed.json``).
        self.failures: List[Tuple[str, str]] = [(i, e) for i, e in outcome["failures"]]
        #: Runs skipped as already complete (``resume=True``).
        self.skipped: int = outcome["skipped"]
        #: Worker threads.
        self.threads: int = outcome["threads"]
        #: Wall time of the runs [s].
        self.wall_s: float = outcome["wall_s"]
        #: Files of the aggregate report (``None`` when none was written).
        self.report_files: Optional[List[Path]] = (
            None if outcome["report"] is None else [Path(p) for p in outcome["report"]]
        )
        #: Messages (runs found damaged and run again).
        self.notes: List[str] = list(outcome["notes"])

    def table(self, name: str) -> pl.DataFrame:
        """An aggregate table of the report: ``"runs"``, ``"arms"``, ``"sensitivity"``,
        ``"bands"``, ``"bands_by_arm"``, ``"payback"`` or ``"unit_costs"``."""
        return pl.read_parquet(self.out / f"{name}.parquet")

    @property
    def runs(self) -> pl.DataFrame:
        """One row per run: design, axis values and summary figures (``runs.parquet``)."""
        return self.table("runs")

    @property
    def arms(self) -> pl.DataFrame:
        """Per arm and figure: n, mean, sd, 95 % CI, p5/p50/p95 (``arms.parquet``)."""
        return self.table("arms")

    def __repr__(self) -> str:
        return (
            f"<flopmarket.SweepResult {str(self.out)!r} total={self.total} done={self.done} "
            f"skipped={self.skipped} failed={self.failed} wall_s={self.wall_s:.2f}>"
        )


class _ProgressBar:
    """The callback ``(runs done, runs to do)`` that draws a sweep's progress: tqdm.auto
    (a widget in Jupyter, text on a terminal) when installed, else a line on stderr when
    it is a terminal or in Jupyter, else nothing."""

    def __init__(self) -> None:
        try:
            from tqdm.auto import tqdm  # type: ignore[import-untyped, import-not-found, unused-ignore]
        except ImportError:
            tqdm = None
        self._tqdm = tqdm
        self._bar: Any = None
        self._shown = -1
        self._plain = tqdm is None and (sys.stderr.isatty() or "ipykernel" in sys.modules)

    def __call__(self, done: int, total: int) -> None:
        if total == 0:
            return
        if self._tqdm is not None:
            if self._bar is None:
                self._bar = self._tqdm(total=total, unit="run", desc="sweep")
            if done > self._bar.n:
                self._bar.update(done - self._bar.n)
        elif self._plain and done != self._shown:
            self._shown = done
            print(f"\rsweep: {done}/{total} runs", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self._plain and self._shown >= 0:
            print(file=sys.stderr, flush=True)


def sweep(
    sweep: Union[PathLike, Mapping[str, Any]],
    threads: Optional[int] = None,
    out: Optional[PathLike] = None,
    resume: bool = False,
    progress: bool = True,
    shard: Union[str, Tuple[int, int], None] = None,
) -> SweepResult:
    """Runs every run of a sweep on ``threads`` workers (default: all cores) with the
    CLI's executor, writes each run's files into ``out/runs/<id>/`` as it finishes and,
    at the end, the aggregate report (``flopmarket report``).

    Args:
        sweep: a sweep file's path, sweep TOML text, or the same table as a dict
            (``{"sweep": {...}, "axes": [{...}]}``; a relative ``base`` path is read from
            the current directory).
        threads: worker threads; ``None``: all cores.
        out: the sweep directory; ``None``: ``out/sweeps/<name>``.
        resume: skip runs already complete there.
        progress: show a progress bar (tqdm.auto when installed: a widget in Jupyter).
        shard: run only shard ``i`` of ``n`` (``"i/n"`` or ``(i, n)``: the runs whose
            index mod n is i), as ``--shard``; a sharded sweep writes no report
            (``report(out)`` once every shard is done).

    Returns a :class:`SweepResult`; failed runs do not raise (see ``failed`` and
    ``failures``). Raises :class:`ScenarioError` for a malformed sweep or base scenario,
    ``ValueError`` when ``out`` holds a different sweep. The GIL is released while runs
    execute; Ctrl-C stops starting runs and raises ``KeyboardInterrupt`` once the running
    ones have finished.
    """
    path: Optional[str] = None
    text: Optional[str] = None
    if isinstance(sweep, Mapping):
        text = _native.json_to_toml(json.dumps(sweep))
    elif isinstance(sweep, str) and ("\n" in sweep or sweep.lstrip().startswith("[")):
        text = sweep
    else:
        path = os.fspath(sweep)
    if isinstance(shard, tuple):
        shard = f"{shard[0]}/{shard[1]}"
    bar = _ProgressBar() if progress else None
    try:
        outcome = _native.sweep(
            path,
            text,
            os.getcwd(),
            None if out is None else os.fspath(out),
            threads,
            resume,
            bar,
            shard,
        )
    finally:
        if bar is not None:
            bar.close()
    return SweepResult(outcome)


class StudyResult(SweepResult):
    """What a study did: its sweep (a :class:`SweepResult`) and its figures."""

    def __init__(self, outcome: Dict[str, Any]) -> None:
        super().__init__(outcome)
        #: The study's name.
        self.name: str = outcome["name"]
        #: ``<out>/figures.md``: the per-arm table (mean [95 % CI] over replicates).
        self.figures: Path = Path(outcome["figures"])
        #: The write-up (docs/studies/).
        self.doc: Path = Path(outcome["doc"])
        #: Whether the write-up was rewritten; ``None`` when it was left alone.
        self.doc_updated: Optional[bool] = outcome["doc_updated"]


def study(
    study: PathLike,
    small: bool = False,
    threads: Optional[int] = None,
    out: Optional[PathLike] = None,
    write_doc: bool = True,
    progress: bool = True,
) -> StudyResult:
    """Runs a study as ``flopmarket study`` does: a name in ``scenarios/studies/`` (from
    the current directory) or a study file; its sweep into ``out`` (default
    ``target/studies/<name>``), then its figures per arm into ``out/figures.md`` and, at
    full size with ``write_doc``, into the write-up's generated block. ``small``: the
    CI-sized study (the write-up is not touched). Raises :class:`ScenarioError` for a
    malformed study file, ``ValueError`` for a missing study, write-up or marker, and
    ``RuntimeError`` when runs failed."""
    bar = _ProgressBar() if progress else None
    try:
        outcome = _native.study(
            os.fspath(study),
            small,
            threads,
            None if out is None else os.fspath(out),
            write_doc,
            bar,
        )
    finally:
        if bar is not None:
            bar.close()
    return StudyResult(outcome)


def report(dir: PathLike, out: Optional[PathLike] = None) -> List[Path]:
    """Writes the aggregate report of a sweep directory, or the report of one run
    directory, into ``out`` (default: ``dir`` for a sweep, ``dir/report`` for one run),
    as ``flopmarket report`` does; returns the paths written. Raises ``ValueError`` when
    ``dir`` is neither, or when a run directory's files do not match its manifest."""
    written = _native.report(os.fspath(dir), None if out is None else os.fspath(out))
    return [Path(p) for p in written]
