"""What every solver benchmark writes into docs/benchmarks.md, in one place: the machine, the
load, times in the users' units, and the marker-delimited section a run rewrites."""

from __future__ import annotations

import os
import platform
from collections.abc import Iterable
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"


def machine() -> str:
    """The processor, cores, memory and Python the figures were measured on."""
    model, memory = platform.machine(), ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        kib = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{model}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


def load() -> float:
    """The load average over the last minute (the machine is shared: say how busy it was)."""
    return os.getloadavg()[0]


def fmt(seconds: float) -> str:
    """A duration as read in the tables: 0.4 ms, 37.2 ms, 412 ms, 1.25 s."""
    if seconds < 0.1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def write_section(start: str, end: str, lines: Iterable[str], after: str | None = None, docs: Path = DOCS) -> None:
    """Rewrite the section between the `start` and `end` markers of docs/benchmarks.md with
    `lines` (the markers are added); a new section goes after the `after` marker when there
    is one, else at the end of the file."""
    section = "\n".join([start, *lines, end])
    text = docs.read_text(encoding="utf-8")
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end):]
    elif after is not None and after in text:
        at = text.index(after) + len(after)
        text = text[:at] + "\n\n" + section + text[at:]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    docs.write_text(text, encoding="utf-8")
