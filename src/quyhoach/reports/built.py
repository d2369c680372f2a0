"""What a report job makes: the report's identity and its files (one per format), how
progress is reported, and the file-name slug. Apart from the package's `__init__` so the
registry of kinds can use them without importing the package that reads the registry."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from quyhoach.domain.text import fold

Progress = Callable[[float, str], None]


@dataclass
class Built:
    kind: str
    title: str
    stem: str                                      # file name without extension
    files: dict[str, bytes] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)   # format -> why it was not made
    counts: dict[str, int] = field(default_factory=dict)

    def filename(self, fmt: str) -> str:
        return f"{self.stem}.{fmt}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-") or "bao-cao"
