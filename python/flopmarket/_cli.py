"""The ``flopmarket`` command line, driven for what writes files: a run's files
(``Run.write``), sweeps, studies and reports.

Those are written by Rust Polars (Parquet, CSV, the report's aggregations), which the
extension module leaves out so that ``pip install ./python`` builds in minutes; the
command line has it and writes exactly its own files. It is found at ``$FLOPMARKET_BIN``,
else as ``flopmarket`` on ``PATH`` (``cargo install --path .`` from the repository puts it
there). It is run with ``--json`` (one JSON object per line on stdout: a sweep's events,
then its outcome or an error) in a session of its own, so Ctrl-C reaches Python only:
Python then creates the ``--cancel-file``, the command starts no more runs, lets the
running ones finish and exits.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from ._native import ScenarioError

ENV = "FLOPMARKET_BIN"

Progress = Optional[Callable[[int, int], Any]]


def binary(what: str) -> str:
    """The command line's path; ``FileNotFoundError`` saying how to get it."""
    path = os.environ.get(ENV) or shutil.which("flopmarket")
    if path and Path(path).is_file():
        return path
    where = f"{ENV}={path} does not exist" if os.environ.get(ENV) else "none on PATH"
    raise FileNotFoundError(
        f"{what} needs the flopmarket command line ({where}): the Python extension leaves "
        "out Rust Polars, which writes the files, so that it installs in minutes. Install "
        "it from the repository with `cargo install --path .` (about 11 min on 2 cores), "
        f"or set {ENV} to its path."
    )


def _error(e: Dict[str, Any]) -> Exception:
    """The exception of the command's ``error`` line."""
    kind, text = e.get("kind"), e.get("text", "")
    if kind == "scenario":
        err = ScenarioError(text)
        err.file, err.line, err.column, err.message = (
            e.get("file"), e.get("line"), e.get("column"), e.get("message", text)
        )
        return err
    if kind == "input":
        return ValueError(text)
    if kind == "io":
        return OSError(text)
    return RuntimeError(text)


def call(
    what: str,
    args: List[str],
    stdin: Optional[str] = None,
    progress: Progress = None,
    events: Optional[List[Dict[str, Any]]] = None,
) -> Dict[str, Any]:
    """Runs ``flopmarket --json ARGS`` (``stdin``: text on its standard input) and returns
    its last line (``outcome`` or ``written``); raises the error it reports. Every 100 ms
    ``progress(runs done, runs to do)`` is called; an exception there or a
    ``KeyboardInterrupt`` cancels the runs not yet started and is raised once the command
    has exited. Each event line is appended to ``events``."""
    with tempfile.TemporaryDirectory(prefix="flopmarket-") as tmp:
        cancel = Path(tmp) / "cancel"
        cmd = [binary(what), "--json", "--cancel-file", str(cancel), *args]
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=os.name == "posix",
        )
        lines: "queue.Queue[Optional[str]]" = queue.Queue()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        def write() -> None:
            assert proc.stdin is not None
            try:
                proc.stdin.write(stdin or "")
                proc.stdin.close()
            except BrokenPipeError:
                pass

        stderr: List[str] = []
        threads = [threading.Thread(target=read, daemon=True)]
        threads.append(threading.Thread(target=lambda: stderr.append(proc.stderr.read()), daemon=True))  # type: ignore[union-attr]
        if stdin is not None:
            threads.append(threading.Thread(target=write, daemon=True))
        for t in threads:
            t.start()
        last: Dict[str, Any] = {}
        todo = finished = 0
        interrupt: Optional[BaseException] = None
        open_ = True
        while open_:
            try:
                try:
                    line = lines.get(timeout=0.1)
                    while True:
                        if line is None:
                            open_ = False
                            break
                        event = json.loads(line)
                        if "planned" in event:
                            todo = event["planned"]
                        elif "finished" in event:
                            finished += 1
                        if events is not None:
                            events.append(event)
                        last = event
                        line = lines.get_nowait()
                except queue.Empty:
                    pass
                if progress is not None and interrupt is None:
                    progress(finished, todo)
            except BaseException as e:  # noqa: BLE001 - re-raised once the command exits
                if interrupt is None:
                    interrupt = e
                    cancel.touch()
        proc.wait()
        for t in threads:
            t.join()
        if interrupt is not None:
            raise interrupt
        if "error" in last:
            raise _error(last["error"])
        if proc.returncode != 0 or not last:
            text = "".join(stderr).strip() or f"exit status {proc.returncode}"
            # Exit 2 without an error line: the arguments were refused (a bad --shard).
            kind = ValueError if proc.returncode == 2 else RuntimeError
            raise kind(f"flopmarket {' '.join(args[:1])}: {text}")
        return last
