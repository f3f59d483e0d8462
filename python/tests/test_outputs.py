"""Issue 28 and issue 24 item 4 from Python: Run.write puts a run's files in place as one
unit (a failed write leaves the earlier run byte-identical and no staging directory),
read_run and report refuse a directory whose files do not match its manifest, and the
run pipeline's scale, validate, study and sharded sweeps."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Dict

import pytest

import flopmarket as fm

# Sweeps, studies, reports and Run.write are the CLI's (flopmarket._cli).
pytestmark = pytest.mark.usefixtures("cli")

SET = {"scenario.duration": "5d"}


def files(dir: Path) -> Dict[str, bytes]:
    return {str(p.relative_to(dir)): p.read_bytes() for p in sorted(dir.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def runs():
    return {seed: fm.run("akash", seed=seed, set=SET) for seed in (3, 4)}


def test_write_puts_a_manifest_last_and_read_run_gives_the_same_run(runs, tmp_path):
    out = tmp_path / "run"
    written = runs[3].write(out)
    assert written[-1] == out / "manifest.json"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["scenario"] == "akash"
    assert set(manifest["files"]) == {str(p.relative_to(out)) for p in written[:-1]}
    back = fm.read_run(out)
    # The CLI wrote the files from its own run of the same scenario and seed: the same
    # figures but for the engine's wall time and speed.
    timing = {"wall_s", "events_per_s"}
    assert {k: v for k, v in back.summary.items() if k not in timing} == {
        k: v for k, v in runs[3].summary.items() if k not in timing
    }
    assert back.epochs.equals(runs[3].epochs)
    assert back.jobs is None
    with pytest.raises(TypeError):
        back.write(tmp_path / "again")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_write_that_fails_leaves_the_earlier_run_and_no_staging_directory(
    runs, tmp_path, monkeypatch
):
    out = tmp_path / "run"
    runs[3].write(out)
    before = files(out)
    for after in ("0", "2", "5"):
        monkeypatch.setenv("FLOPMARKET_FAIL_WRITE_AFTER", after)
        with pytest.raises(OSError) as e:
            runs[4].write(out)
        assert str(e.value).count("injected write failure") == 1, str(e.value)
        assert files(out) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    monkeypatch.delenv("FLOPMARKET_FAIL_WRITE_AFTER")
    runs[4].write(out)
    assert fm.read_run(out).summary["seed"] == 4


def test_a_file_from_another_run_is_refused_by_read_run_and_report(runs, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    runs[3].write(a)
    runs[4].write(b)
    shutil.copy(b / "providers.parquet", a / "providers.parquet")
    with pytest.raises(ValueError, match="providers.parquet"):
        fm.read_run(a)
    with pytest.raises(ValueError, match="providers.parquet"):
        fm.report(a, out=tmp_path / "report")


def test_a_users_folder_is_refused_unless_into_existing(runs, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="into_existing"):
        runs[3].write(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    runs[3].write(tmp_path, into_existing=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert fm.read_run(tmp_path).summary["seed"] == 3


def test_scale_goes_through_the_pipeline(runs):
    scaled = fm.run("akash", seed=3, set=SET, scale=2)
    assert scaled.providers.height == 2 * runs[3].providers.height
    with pytest.raises(ValueError, match="scale"):
        fm.run("akash", set=SET, scale=0)


def test_validate_says_what_the_scenario_holds():
    v = fm.validate("akash", set=SET)
    assert v["name"] == "akash" and v["days"] == 5.0
    assert v["providers"] > 0 and v["gpus"] >= v["providers"]
    assert v["text"].startswith("ok: scenario `akash`: 5 days")
    with pytest.raises(fm.ScenarioError):
        fm.validate("akash", set={"market.take_rate": 7})


SWEEP = """[sweep]
name = "py-shard"
base = "akash"
set = ["scenario.duration=2d"]
replicates = 2
seed = 11
keep = ["summary", "epochs"]

[[axes]]
name = "take_rate"
path = "market.take_rate"
values = [0.05, 0.3]
"""


def test_shards_together_are_the_whole_sweep(tmp_path):
    whole = fm.sweep(SWEEP, out=tmp_path / "whole", threads=1, progress=False)
    for i in range(2):
        part = fm.sweep(SWEEP, out=tmp_path / "sharded", shard=(i, 2), threads=1, progress=False)
        assert part.done == 2 and part.report_files is None
    fm.report(tmp_path / "sharded")
    assert fm.SweepResult({**_outcome(tmp_path / "sharded")}).runs.drop("run_id").equals(
        whole.runs.drop("run_id")
    )
    with pytest.raises(ValueError, match="shard"):
        fm.sweep(SWEEP, out=tmp_path / "bad", shard="3/2", progress=False)


def _outcome(out: Path) -> dict:
    return {
        "out": out, "total": 4, "done": 0, "failed": 0, "failures": [], "skipped": 0,
        "threads": 1, "wall_s": 0.0, "report": None, "notes": [],
    }


STUDY = """[sweep]
name = "py-study"
base = "akash"
set = ["scenario.duration=2d"]
replicates = 2
seed = 5

[[axes]]
name = "take_rate"
path = "market.take_rate"
values = [0.05, 0.3]

[study]
title = "Tiny"
question = "Does the study run from Python?"
doc = "docs/tiny.md"
metrics = [{ name = "jobs", path = "jobs_completed", unit = "jobs" }]
small = { replicates = 1 }
"""

DOC = "# Tiny\n\n<!-- study:figures:begin -->\nstale\n<!-- study:figures:end -->\n"


def test_study_runs_and_writes_its_figures(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "tiny.md").write_text(DOC)
    file = tmp_path / "tiny.toml"
    file.write_text(STUDY)
    small = fm.study(file, small=True, out=tmp_path / "small", threads=1, progress=False)
    assert small.doc_updated is None and small.done == 2
    assert "| 0.05" in small.figures.read_text() or "0.05" in small.figures.read_text()
    assert (tmp_path / "docs" / "tiny.md").read_text() == DOC
    full = fm.study(file, out=tmp_path / "full", threads=1, progress=False)
    assert full.doc_updated is True and full.done == 4
    assert "stale" not in (tmp_path / "docs" / "tiny.md").read_text()
    with pytest.raises(ValueError, match="no study"):
        fm.study("no-such-study", progress=False)
