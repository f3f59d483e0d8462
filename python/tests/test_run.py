"""flopmarket.run against `flopmarket run` at the same seed: the same summary, the same
frames (names, dtypes, values) as the CLI's Parquet, and Run.write's files."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import flopmarket as fm

SEED = 7
SET = {"scenario.duration": "14d"}
# Engine timing: different on every run.
TIMING = {"wall_s", "events_per_s"}


@pytest.fixture(scope="module")
def both(cli, tmp_path_factory):
    """The same run through the package and through the CLI (jobs log on)."""
    out = tmp_path_factory.mktemp("cli")
    p = cli(
        "run", "akash", "--seed", str(SEED), "--set", "scenario.duration=14d",
        "--jobs-log", "--quiet", "--out", str(out),
    )
    assert p.returncode == 0, p.stderr
    return fm.run("akash", seed=SEED, set=SET, jobs_log=True), out


def untimed(report: str) -> str:
    """A report without the engine's wall time and speed (they vary from run to run)."""
    timing = ("Wall time [s]", "Events per second")
    return "\n".join(l for l in report.splitlines() if not any(t in l for t in timing))


def without_timing(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in TIMING}


def test_summary_equals_the_cli_summary_json(both):
    run, out = both
    cli_summary = json.loads((out / "summary.json").read_text())
    assert without_timing(run.summary) == without_timing(cli_summary)
    assert run.summary["seed"] == SEED
    assert run.violations == []


@pytest.mark.parametrize("table", ["epochs", "providers", "jobs"])
def test_frames_equal_the_cli_parquet_in_schema_and_values(both, table):
    run, out = both
    cli_frame = pl.read_parquet(out / f"{table}.parquet")
    frame = getattr(run, table)
    assert frame.schema == cli_frame.schema
    assert frame.height > 0
    assert_frame_equal(frame, cli_frame, check_exact=True)


# The extension's schema (flopmarket_tables::DType) as Polars dtypes.
DTYPES = {
    "UInt32": pl.UInt32,
    "UInt64": pl.UInt64,
    "Int64": pl.Int64,
    "Float64": pl.Float64,
    "String": pl.String,
    "Boolean": pl.Boolean,
    "Datetime(ms)": pl.Datetime("ms"),
}


@pytest.mark.parametrize("table", ["epochs", "providers", "jobs"])
def test_the_arrow_streams_schema_is_the_cli_files(both, table):
    run, out = both
    native = run._native.table(table)
    cli_schema = pl.read_parquet_schema(out / f"{table}.parquet")
    assert native.columns == list(cli_schema)
    assert [DTYPES[d] for d in native.dtypes] == list(cli_schema.values())
    assert native.rows == getattr(run, table).height


def test_pyarrow_reads_the_same_stream(both):
    pa = pytest.importorskip("pyarrow")
    run, _ = both
    for table in ("epochs", "jobs"):
        via_pyarrow = pl.from_arrow(pa.table(run._native.table(table)))
        assert_frame_equal(via_pyarrow, getattr(run, table), check_exact=True)
    # A stream is consumed once; each call gives a new one.
    native = run._native.table("providers")
    assert pl.DataFrame(native).equals(pl.DataFrame(native))


def test_a_worlds_tables_equal_the_cli_parquet(cli, tmp_path):
    """A multi-venue world: the venue column (null-free here) and the venues table with
    its dates."""
    p = cli("run", "world", "--set", "scenario.duration=10d", "--quiet", "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr
    run = fm.run("world", set={"scenario.duration": "10d"})
    for table in ("epochs", "providers", "venues"):
        cli_frame = pl.read_parquet(tmp_path / f"{table}.parquet")
        assert_frame_equal(getattr(run, table), cli_frame, check_exact=True)
    assert run.epochs.columns[0] == "venue"


def test_frames_have_the_documented_dtypes(both):
    run, _ = both
    e = run.epochs.schema
    assert e["epoch"] == pl.UInt32
    assert e["t_start_h"] == pl.Float64
    assert e["date"] == pl.Datetime("ms")
    assert e["gpu_model"] == pl.String
    assert e["jobs_submitted"] == pl.UInt64
    assert e["timeline_change"] == pl.String
    p = run.providers.schema
    assert p["provider_id"] == pl.UInt32
    assert p["payback_months"] == pl.Float64
    j = run.jobs.schema
    assert j["waited"] == pl.Boolean
    assert j["status"] == pl.String
    # The "all" rows carry the run-wide counts; model rows leave them null.
    all_rows = run.epochs.filter(pl.col("gpu_model") == "all")
    assert all_rows["jobs_submitted"].null_count() == 0
    assert run.epochs.filter(pl.col("gpu_model") != "all")["jobs_submitted"].null_count() > 0
    assert all_rows["jobs_submitted"].sum() == run.summary["jobs_submitted"]


def test_write_gives_the_cli_files(both, tmp_path):
    run, out = both
    written = run.write(tmp_path)
    names = sorted(p.name for p in written if p.parent == tmp_path)
    assert names == sorted(p.name for p in out.iterdir() if p.is_file())
    # Tables and charts are byte-identical to the CLI's; summary.json and the report
    # differ only in the engine's wall time and speed.
    for name in ["epochs.parquet", "providers.parquet", "jobs.parquet"]:
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name
    for name in ["report.md", "report.html"]:
        mine, theirs = (untimed((d / name).read_text()) for d in (tmp_path, out))
        assert mine == theirs, name
    charts = sorted((out / "charts").iterdir())
    assert charts and all(
        (tmp_path / "charts" / c.name).read_bytes() == c.read_bytes() for c in charts
    )
    mine = json.loads((tmp_path / "summary.json").read_text())
    assert without_timing(mine) == without_timing(json.loads((out / "summary.json").read_text()))


def test_write_csv(both, tmp_path):
    run, out = both
    written = run.write(tmp_path, format="csv")
    assert tmp_path / "epochs.csv" in written
    assert not (tmp_path / "epochs.parquet").exists()
    with pytest.raises(ValueError, match="format"):
        run.write(tmp_path, format="xlsx")


def test_same_seed_same_frames_other_seed_other_frames():
    a = fm.run("mmc", seed=1, set={"scenario.duration": "30d"})
    b = fm.run("mmc", seed=1, set={"scenario.duration": "30d"})
    c = fm.run("mmc", seed=2, set={"scenario.duration": "30d"})
    assert_frame_equal(a.epochs, b.epochs, check_exact=True)
    assert not a.epochs.equals(c.epochs)
    assert a.jobs is None


def test_table_by_name_and_no_venues_outside_a_world(both):
    run, _ = both
    assert_frame_equal(run.table("epochs"), run.epochs, check_exact=True)
    assert run.table("jobs") is not None
    # A single-network run has no venues table and no venue column.
    assert run.venues is None and run.table("venues") is None
    assert "venue" not in run.epochs.columns
    with pytest.raises(ValueError, match="venues"):
        run.table("orders")


def test_a_path_and_toml_text_run_like_the_name(repo: Path):
    path = repo / "scenarios" / "mmc.toml"
    by_name = fm.run("mmc", set={"scenario.duration": "30d"})
    by_path = fm.run(path, set={"scenario.duration": "30d"})
    by_text = fm.run(path.read_text(), set=["scenario.duration=30d"])
    for r in (by_path, by_text):
        assert_frame_equal(r.epochs, by_name.epochs, check_exact=True)
        assert without_timing(r.summary) == without_timing(by_name.summary)


def test_overrides_take_python_values():
    r = fm.run("mmc", set={"scenario.duration": "14d", "market.take_rate": 0.25})
    assert r.summary["duration_days"] == pytest.approx(14.0)
    assert r.summary["fees_usd"] == pytest.approx(0.25 * r.summary["consumer_spend_usd"])


def test_scenarios_lists_the_built_ins():
    names = fm.scenarios()
    assert "akash" in names and "mmc" in names


def test_run_releases_the_gil():
    """Another Python thread keeps running while a simulation runs."""
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    try:
        start = time.perf_counter()
        fm.run("akash", set={"scenario.duration": "120d"})
        elapsed = time.perf_counter() - start
    finally:
        stop.set()
        t.join()
    # With the GIL held for the whole run the counter could not move; released, it
    # ticks about once a millisecond.
    assert ticks > 0.2 * elapsed * 1000, (ticks, elapsed)
