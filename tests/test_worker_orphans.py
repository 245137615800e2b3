"""Worker processes never outlive a crawler killed with SIGKILL (or by the OOM killer).

A process killed that way cannot shut its pools down. Each test starts a real process that
opens a pool the way the crawl does, lets the workers start (one busy with a task, so a
result is pending when the parent dies), SIGKILLs that process and then waits for every
worker and the fork server to be gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# The child prints its workers' pids, then blocks; the first worker stays busy in a task.
CHILD = r"""
import os, sys, time
from progleton.workers import process_pool

def _pid(_):
    time.sleep(0.05)
    return os.getpid()

def _warm():
    time.sleep(0.01)

def main():
    warm = _warm if sys.argv[1] == "warm" else None
    pool = process_pool(2, ["progleton.workers"], warm)
    pids = sorted(set(pool.map(_pid, range(8))))
    pool.submit(time.sleep, 120)
    print(" ".join(str(p) for p in pids), flush=True)
    time.sleep(120)

if __name__ == "__main__":
    main()
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose: it holds no memory and runs nothing.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1]
    except (FileNotFoundError, ProcessLookupError):
        return False  # it was reaped between the two checks: gone, as the test wants
    return not state.startswith("Z")


@pytest.mark.parametrize("kind", ["plain", "warm"])
def test_pool_workers_exit_when_their_parent_is_killed(tmp_path: Path, kind: str) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    proc = subprocess.Popen(
        [sys.executable, str(script), kind], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        workers = [int(p) for p in line.split()]
        assert len(workers) >= 1, line
        assert all(_alive(p) for p in workers)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in workers if _alive(p)]
    for p in left:  # do not leave them behind for the rest of the run either
        os.kill(p, signal.SIGKILL)
    assert not left, f"workers outlived their parent: {left}"
