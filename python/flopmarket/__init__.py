"""flopmarket: a discrete-event simulator of decentralized GPU markets, from Python.

Runs, sweeps and reports of the Rust simulator (the ``flopmarket`` command line) with
results as Polars frames::

    import flopmarket as fm
    r = fm.run("akash", set={"scenario.duration": "30d"})
    r.summary["savings_pct"]                         # [%] vs the cloud baseline
    r.epochs.filter(pl.col("gpu_model") == "all")   # one row per epoch

The tables have the columns and dtypes of the CLI's Parquet files (docs/guide/outputs.md),
handed over by the extension through the Arrow C stream interface without a copy;
units are in the column names and in docs/guide/outputs.md's summary.json table: ``_usd`` [USD],
``_h`` [hours since the start], ``_s`` [seconds], ``gpu_hours_*`` [GPU-hours],
``usd_per_gpu_hour`` [USD per GPU-hour], fractions in [0, 1].

Runs, their summaries and tables need only this package. What writes files
(:meth:`Run.write`, :func:`sweep`, :func:`study`, :func:`report`) is done by the
``flopmarket`` command line (``$FLOPMARKET_BIN``, else on ``PATH``), so the files are
exactly the CLI's: see ``flopmarket._cli``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import zlib
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import polars as pl

from . import _cli, _native
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

    def __init__(
        self,
        native: Union["_native.NativeRun", "_RunFiles"],
        request: Optional["_Request"] = None,
    ) -> None:
        self._native = native
        self._request = request
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
            # An Arrow stream (`__arrow_c_stream__`) from the extension, or a frame read
            # from a run directory.
            self._tables[name] = data if data is None or isinstance(data, pl.DataFrame) else pl.DataFrame(data)
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
        files are written there. Returns the paths written.

        The ``flopmarket`` command line writes them (``$FLOPMARKET_BIN``, else on ``PATH``;
        ``FileNotFoundError`` without it): it runs the same scenario, overrides, scale and
        seed again (runs are deterministic) and writes its own files."""
        if self._request is None:
            raise TypeError("a run read from its files is already written; copy its directory")
        if format not in ("parquet", "csv", "both"):
            raise ValueError(f"format `{format}`: expected parquet, csv or both")
        req = self._request
        args = ["run", "-" if req.text is not None else req.scenario, "--quiet"]
        args += ["--seed", str(self.summary["seed"]), "--max-memory", "0"]
        for s in req.set:
            args += ["--set", s]
        if req.scale is not None:
            args += ["--scale", repr(float(req.scale))]
        if req.jobs_log:
            args.append("--jobs-log")
        args += ["--format", format, "--out", os.fspath(dir)]
        if into_existing:
            args.append("--into-existing")
        out = _cli.call("Run.write", args, stdin=req.text)
        return [Path(p) for p in out["written"]]

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
    name = os.fspath(scenario)
    overrides = _overrides(set)
    native = _native.run(name, _read_series, seed, overrides, jobs_log, max_memory, scale)
    result = Run(native, _Request(name, overrides, jobs_log, scale))
    violations = result.violations
    if violations:
        raise RuntimeError("conservation check failed: " + "; ".join(violations))
    return result


class _Request:
    """What a run was asked for, so that :meth:`Run.write` can hand it to the CLI."""

    def __init__(
        self, scenario: str, set: List[str], jobs_log: bool, scale: Optional[float]
    ) -> None:
        is_text = "\n" in scenario or scenario.lstrip().startswith("[")
        self.scenario = scenario
        self.text: Optional[str] = scenario if is_text else None
        self.set = set
        self.jobs_log = jobs_log
        self.scale = scale


def _read_series(
    path: str, date_column: str, value_column: str
) -> Tuple[List[str], Optional[List[Optional[str]]], Optional[List[Optional[str]]]]:
    """A Parquet observed series' column names and its date and value cells as text
    (``None`` for a column the file lacks): the extension's reader of ``[[observed]]``
    Parquet files."""
    frame = pl.read_parquet(path)

    def cells(column: str) -> Optional[List[Optional[str]]]:
        if column not in frame.columns:
            return None
        return frame.get_column(column).cast(pl.String).to_list()

    return frame.columns, cells(date_column), cells(value_column)


_TABLES = ("epochs", "providers", "jobs", "venues", "observed")


def _check_file(dir: Path, name: str, entry: Dict[str, Any], data: bytes) -> Optional[str]:
    """Why ``name`` does not match its manifest entry (size, CRC-32, SHA-256, Parquet
    rows), or ``None``: the checks of the CLI's reader, with its messages."""
    for key in ("bytes", "crc32"):
        if not isinstance(entry.get(key), int):
            return f"manifest.json: no {key} recorded for {name}"
    if len(data) != entry["bytes"]:
        return f"{name}: {len(data)} bytes where {entry['bytes']} were written"
    if zlib.crc32(data) != entry["crc32"]:
        return f"{name}: contents differ from what was written (CRC-32)"
    if "sha256" in entry and hashlib.sha256(data).hexdigest() != entry["sha256"]:
        return f"{name}: contents differ from what was written (SHA-256)"
    if "rows" in entry:
        try:
            rows = pl.read_parquet(io.BytesIO(data)).height
        except Exception as e:  # noqa: BLE001 - the message names the file
            return f"{name}: unreadable Parquet footer: {e}"
        if rows != entry["rows"]:
            return f"{name}: {rows} rows where {entry['rows']} were written"
    return None


def _verify_run_dir(dir: Path) -> Tuple[str, Dict[str, bytes]]:
    """The run id and the files of the run directory ``dir`` after checking each against
    ``manifest.json`` (as the CLI's report does); ``ValueError`` names the first that does
    not match."""
    path = dir / "manifest.json"
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise ValueError(
            f"{dir}: no manifest.json: not a run directory written by flopmarket run or Run.write"
        ) from None
    except OSError as e:
        raise ValueError(f"{path}: {e}") from None
    try:
        manifest = json.loads(text)
    except ValueError as e:
        raise ValueError(f"{path}: not a manifest: {e}") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict):
        raise ValueError(f"{path}: not a manifest (no file list)")
    run_id = str(manifest.get("run_id", "?"))
    read: Dict[str, bytes] = {}
    for name, entry in files.items():
        try:
            data = (dir / name).read_bytes()
        except OSError as e:
            why: Optional[str] = f"{name}: {e}"
        else:
            why = _check_file(dir, name, entry, data)
            read[name] = data
        if why is not None:
            raise ValueError(
                f"{dir}: {why}: the directory does not hold the files its manifest.json lists "
                f"(run {run_id}): it mixes files of different runs or was changed after it was "
                "written; run the scenario again to replace it"
            )
    return run_id, read


class _RunFiles:
    """A run directory read back: summary.json's text and its tables as frames."""

    def __init__(self, files: Dict[str, bytes]) -> None:
        self._files = files

    def summary_json(self) -> str:
        return self._files["summary.json"].decode()

    def violations(self) -> List[str]:
        # A directory that was written adds up (its run's checks were done then).
        return []

    def table(self, name: str) -> Optional[pl.DataFrame]:
        if name not in _TABLES:
            raise ValueError(f"no table `{name}`: {', '.join(_TABLES[:-1])} or observed")
        data = self._files.get(f"{name}.parquet")
        return None if data is None else pl.read_parquet(io.BytesIO(data))


def read_run(dir: PathLike) -> Run:
    """Reads a run directory written by ``flopmarket run`` or :meth:`Run.write` back as a
    :class:`Run` (summary and tables; ``write`` is not available), after checking every
    file against its ``manifest.json``. Raises ``ValueError`` naming the first file that
    does not match (the directory mixes two runs' files, or was changed), or when ``dir``
    holds no manifest."""
    path = Path(os.fspath(dir))
    run_id, files = _verify_run_dir(path)
    if "summary.json" not in files:
        raise ValueError(f"{path}: manifest.json lists no summary.json")
    # Checked once more after reading: a writer that replaced the directory meanwhile shows.
    if _verify_run_dir(path)[0] != run_id:
        raise ValueError(f"{path}: replaced by another run while it was read; read it again")
    return Run(_RunFiles(files))


def validate(scenario: PathLike, set: Overrides = None) -> Dict[str, Any]:
    """Checks a scenario as ``flopmarket validate`` does and returns what it holds:
    ``name``, ``days``, ``epoch_h`` [h], ``providers``, ``gpus``, ``cohorts``,
    ``workloads``, ``jobs_per_hour`` [jobs/h at the start], ``seed``, ``venues`` (a
    world's, as "name (kind)") and ``text`` (the CLI's lines). Raises
    :class:`ScenarioError` when it is malformed."""
    return dict(_native.validate(os.fspath(scenario), _read_series, _overrides(set)))


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
    progress: Union[bool, Callable[[int, int], Any]] = True,
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
        progress: show a progress bar (tqdm.auto when installed: a widget in Jupyter);
            or a function called every 100 ms with (runs done, runs to do): an exception
            it raises cancels the runs not yet started and is raised once the running
            ones have finished.
        shard: run only shard ``i`` of ``n`` (``"i/n"`` or ``(i, n)``: the runs whose
            index mod n is i), as ``--shard``; a sharded sweep writes no report
            (``report(out)`` once every shard is done).

    Returns a :class:`SweepResult`; failed runs do not raise (see ``failed`` and
    ``failures``). Raises :class:`ScenarioError` for a malformed sweep or base scenario,
    ``ValueError`` when ``out`` holds a different sweep. The ``flopmarket`` command line
    runs it (``FileNotFoundError`` without one; see :meth:`Run.write`); Ctrl-C stops
    starting runs and raises ``KeyboardInterrupt`` once the running ones have finished.
    """
    if isinstance(sweep, Mapping):
        text: Optional[str] = _native.json_to_toml(json.dumps(sweep))
    elif isinstance(sweep, str) and ("\n" in sweep or sweep.lstrip().startswith("[")):
        text = sweep
    else:
        text = None
    if isinstance(shard, tuple):
        shard = f"{shard[0]}/{shard[1]}"
    args = ["sweep", "-" if text is not None else os.fspath(sweep), "--quiet"]  # type: ignore[arg-type]
    if out is not None:
        args += ["--out", os.fspath(out)]
    if threads is not None:
        args += ["--threads", str(threads)]
    if resume:
        args.append("--resume")
    if shard is not None:
        args += ["--shard", shard]
    bar = _ProgressBar() if progress is True else None
    callback = progress if callable(progress) else bar
    try:
        outcome = _executed("flopmarket.sweep", args, text, callback)
    finally:
        if bar is not None:
            bar.close()
    return SweepResult(outcome)


def _executed(
    what: str, args: List[str], stdin: Optional[str], progress: _cli.Progress
) -> Dict[str, Any]:
    """Runs a sweep or a study through the CLI; its outcome with ``failures`` and
    ``notes`` gathered from the events."""
    events: List[Dict[str, Any]] = []
    outcome = dict(_cli.call(what, args, stdin=stdin, progress=progress, events=events)["outcome"])
    outcome["failures"] = [
        (e["finished"], e["error"]) for e in events if "finished" in e and e["error"] is not None
    ]
    notes = []
    for e in events:
        if "damaged" in e:
            notes.append(f"run {e['damaged']}: marked complete but {e['why']}; running it again")
        elif "unrecorded" in e:
            notes.append(f"{e['unrecorded']}: cannot record failure: {e['why']}")
    outcome["notes"] = notes
    return outcome


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
    ``RuntimeError`` when runs failed. The ``flopmarket`` command line runs it."""
    args = ["study", os.fspath(study), "--quiet"]
    if small:
        args.append("--small")
    if threads is not None:
        args += ["--threads", str(threads)]
    if out is not None:
        args += ["--out", os.fspath(out)]
    if not write_doc:
        args.append("--no-write")
    bar = _ProgressBar() if progress else None
    try:
        outcome = _executed("flopmarket.study", args, None, bar)
    finally:
        if bar is not None:
            bar.close()
    return StudyResult(outcome)


def report(dir: PathLike, out: Optional[PathLike] = None) -> List[Path]:
    """Writes the aggregate report of a sweep directory, or the report of one run
    directory, into ``out`` (default: ``dir`` for a sweep, ``dir/report`` for one run),
    as ``flopmarket report`` does; returns the paths written. Raises ``ValueError`` when
    ``dir`` is neither, or when a run directory's files do not match its manifest. The
    ``flopmarket`` command line writes it."""
    args = ["report", os.fspath(dir), "--quiet"]
    if out is not None:
        args += ["--out", os.fspath(out)]
    return [Path(p) for p in _cli.call("flopmarket.report", args)["written"]]
