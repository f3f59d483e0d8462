"""Bad input raises flopmarket.ScenarioError (file, line, column, message) with the CLI's
location and message, or ValueError; never a panic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import flopmarket as fm
from conftest import bad_scenarios

LOCATED = re.compile(r"^error: (?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*)$", re.S)


@pytest.mark.parametrize("path", bad_scenarios(), ids=lambda p: p.name)
def test_every_bad_scenario_raises_scenario_error_where_the_cli_says(cli, path: Path):
    p = cli("validate", str(path))
    assert p.returncode == 2, p.stderr
    m = LOCATED.match(p.stderr.strip())
    assert m is not None, p.stderr
    with pytest.raises(fm.ScenarioError) as info:
        fm.run(path)
    e = info.value
    assert (e.file, e.line, e.column) == (m["file"], int(m["line"]), int(m["col"]))
    assert e.message == m["msg"].strip()
    assert str(e) == p.stderr.strip()[len("error: "):]


def test_toml_text_errors_point_into_the_string():
    text = '[scenario]\nname = "x"\nduration = "-3d"\n'
    with pytest.raises(fm.ScenarioError) as info:
        fm.run(text)
    e = info.value
    assert e.file == "<string>"
    assert e.line == 3
    assert e.column is not None and e.column >= 1
    assert "<string>:3:" in str(e)


def test_a_bad_override_value_is_located():
    with pytest.raises(fm.ScenarioError) as info:
        fm.run("akash", set={"scenario.duration": "soon"})
    e = info.value
    assert e.file == "<built-in akash> (with --set)"
    assert e.line is not None and e.column is not None
    assert "duration" in e.message or "soon" in e.message


def test_a_bad_override_path_names_it():
    with pytest.raises(fm.ScenarioError) as info:
        fm.run("akash", set={"providers.99.count": 3})
    e = info.value
    assert e.line is None and e.column is None
    assert "providers.99.count" in str(e)


def test_an_unknown_scenario_names_the_file():
    with pytest.raises(fm.ScenarioError) as info:
        fm.run("no-such-scenario")
    e = info.value
    assert e.file == "no-such-scenario"
    assert e.line is None
    assert "cannot read scenario" in e.message


def test_a_scenario_too_big_for_the_memory_limit_is_a_value_error():
    with pytest.raises(ValueError, match="memory|GiB|MiB|B"):
        fm.run("akash", max_memory=1024)


def test_report_of_a_directory_that_is_not_a_run_is_a_value_error(cli, tmp_path):
    with pytest.raises(ValueError):
        fm.report(tmp_path / "nothing-here")


def test_a_bad_sweep_raises_scenario_error_with_its_location(cli, tmp_path):
    text = '[sweep]\nname = "bad"\nbase = "akash"\nreplicates = 0\n'
    with pytest.raises(fm.ScenarioError) as info:
        fm.sweep(text, out=tmp_path / "s", progress=False)
    assert info.value.file == "<sweep>" and info.value.line is not None


def test_a_sweep_axis_path_the_scenario_lacks_is_an_error(cli, tmp_path):
    spec = {
        "sweep": {"name": "bad", "base": "mmc", "replicates": 1, "seed": 1},
        "axes": [{"path": "market.no_such_key", "values": [1, 2]}],
    }
    with pytest.raises(fm.ScenarioError):
        fm.sweep(spec, out=tmp_path / "s", progress=False)
