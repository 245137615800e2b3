"""What every bench prints around its own table: the run's envelope and the JSON.

Each bench's `main` calls `run_and_report`: the command, the CPUs, the wall time and the
load average before and after are added to the result (other work on the machine skews
speeds; the load average shows whether there was any), the bench's table is printed, then
the JSON, which is also written to `--json` when given.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def run_and_report(
    run: Callable[[], dict[str, Any]],
    report: Callable[[dict[str, Any]], str],
    json_path: Path | None,
) -> dict[str, Any]:
    """Run the bench, add the envelope, print `report(result)`, the load line and the JSON."""
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    result = run()
    result["command"] = " ".join([Path(sys.executable).name, *sys.argv])
    result["cpus"] = os.cpu_count()
    result["wall_s"] = round(time.perf_counter() - started, 1)
    result["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(report(result))
    print(f"load average (1 min): {load_before:.2f} before, {result['load_average'][1]:.2f} after")
    text = json.dumps(result, indent=2)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(text + "\n")
    print()
    print(text)
    return result


def table(rows: list[dict[str, Any]], columns: list[tuple[str, str, str]]) -> str:
    """Rows as a text table: `columns` are (heading, key, format); missing values print as -."""

    def cell(value: Any, fmt: str) -> str:
        return "-" if value is None else fmt.format(value)

    lines = [[name for name, _, _ in columns]]
    for r in rows:
        lines.append([cell(r.get(key), fmt) for _, key, fmt in columns])
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    text = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    ]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)
