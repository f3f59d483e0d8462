"""flopmarket.sweep runs the CLI's executor: the same run files and aggregate tables as
`flopmarket sweep` for the same sweep, from a file, from TOML text or from a dict."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import flopmarket as fm

# Sweeps, studies, reports and Run.write are the CLI's (flopmarket._cli).
pytestmark = pytest.mark.usefixtures("cli")

SWEEP = """[sweep]
name = "py-tiny"
base = "akash"
set = ["scenario.duration=3d"]
design = "grid"
replicates = 2
seed = 11
keep = ["summary", "epochs", "providers"]

[[axes]]
name = "take_rate"
path = "market.take_rate"
values = [0.05, 0.3]
"""

DICT = {
    "sweep": {
        "name": "py-tiny",
        "base": "akash",
        "set": ["scenario.duration=3d"],
        "design": "grid",
        "replicates": 2,
        "seed": 11,
        "keep": ["summary", "epochs", "providers"],
    },
    "axes": [{"name": "take_rate", "path": "market.take_rate", "values": [0.05, 0.3]}],
}

# The aggregate tables: independent of threads and of when the report ran.
TABLES = [
    "runs.parquet",
    "arms.parquet",
    "sensitivity.parquet",
    "bands.parquet",
    "bands_by_arm.parquet",
    "payback.parquet",
    "unit_costs.parquet",
    "failed_runs.json",
]


@pytest.fixture(scope="module")
def cli_sweep(cli, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli-sweep")
    file = tmp / "tiny.toml"
    file.write_text(SWEEP)
    out = tmp / "out"
    p = cli("sweep", str(file), "--quiet", "--threads", "2", "--out", str(out))
    assert p.returncode == 0, p.stderr
    return file, out


def run_files(out: Path) -> dict:
    """Every run's table files, by relative path."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted((out / "runs").rglob("*.parquet"))
    }


def test_a_sweep_file_gives_the_cli_tables_byte_for_byte(cli_sweep, tmp_path):
    file, cli_out = cli_sweep
    result = fm.sweep(file, threads=2, out=tmp_path / "py", progress=False)
    assert (result.total, result.done, result.failed) == (4, 4, 0)
    assert result.report_files and tmp_path / "py" / "report.md" in result.report_files
    for t in TABLES:
        assert (tmp_path / "py" / t).read_bytes() == (cli_out / t).read_bytes(), t
    assert run_files(tmp_path / "py") == run_files(cli_out)
    assert (tmp_path / "py" / "sweep.toml").read_text() == SWEEP


def test_text_and_dict_sweeps_give_the_same_rows(cli_sweep, tmp_path):
    _, cli_out = cli_sweep
    by_text = fm.sweep(SWEEP, threads=1, out=tmp_path / "text", progress=False)
    by_dict = fm.sweep(DICT, threads=2, out=tmp_path / "dict", progress=False)
    for r in (by_text, by_dict):
        assert r.failed == 0
        assert r.runs.equals(pl.read_parquet(cli_out / "runs.parquet"))
        assert run_files(r.out) == run_files(cli_out)
    assert by_text.runs.height == 4
    assert set(by_text.arms.columns) >= {"metric", "mean", "ci_lo", "ci_hi"}


def test_resume_skips_complete_runs(tmp_path):
    out = tmp_path / "s"
    first = fm.sweep(SWEEP, threads=2, out=out, progress=False)
    again = fm.sweep(SWEEP, threads=2, out=out, resume=True, progress=False)
    assert (first.done, again.done, again.skipped) == (4, 0, 4)


def test_a_directory_of_another_sweep_is_refused(tmp_path):
    out = tmp_path / "s"
    fm.sweep(SWEEP, threads=2, out=out, progress=False)
    with pytest.raises(ValueError, match="different sweep"):
        fm.sweep(SWEEP.replace("seed = 11", "seed = 12"), out=out, progress=False)


def test_progress_reaches_every_run(tmp_path):
    calls = []
    fm.sweep(SWEEP, threads=2, out=tmp_path / "s", progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1] == (4, 4)
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:]))


def test_an_exception_in_the_progress_callback_stops_the_sweep(tmp_path):
    def boom(done: int, total: int) -> None:
        raise KeyError("stop")

    with pytest.raises(KeyError):
        fm.sweep(SWEEP, threads=1, out=tmp_path / "s", progress=boom)


def test_a_failed_run_is_reported_not_raised(tmp_path, monkeypatch):
    # Each run checks its memory estimate when it starts: under 128 MiB the arm with
    # 200,000 hosts fails, the other runs.
    monkeypatch.setenv("FLOPMARKET_MAX_MEMORY", "128MiB")
    big = SWEEP.replace('name = "take_rate"', 'name = "hosts"').replace(
        'path = "market.take_rate"\nvalues = [0.05, 0.3]',
        'path = "providers.0.count"\nvalues = [10, 200000]',
    )
    r = fm.sweep(big, threads=2, out=tmp_path / "s", progress=False)
    assert (r.done, r.failed) == (4, 2)
    assert r.report_files is not None and r.runs.height == 2
    assert sorted(i for i, _ in r.failures) == ["a1-r0", "a1-r1"]
    run_id, error = r.failures[0]
    assert "over the limit of 128 MiB" in error
    failed = (tmp_path / "s" / "runs" / run_id / "failed.json").read_text()
    assert json.dumps(error) in failed


def test_report_of_a_run_directory(tmp_path):
    run = fm.run("mmc", set={"scenario.duration": "30d"})
    run.write(tmp_path / "run")
    written = fm.report(tmp_path / "run", out=tmp_path / "report")
    assert tmp_path / "report" / "report.md" in written


def test_the_progress_bar_is_drawn_with_tqdm(tmp_path, capsys):
    pytest.importorskip("tqdm")
    fm.sweep(SWEEP, threads=2, out=tmp_path / "s", progress=True)
    assert "4/4" in capsys.readouterr().err
