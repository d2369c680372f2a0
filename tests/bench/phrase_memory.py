"""What the findings' Phrases weigh in a process (docs/benchmarks.md § "Findings in the reader's
language"): the demo province loaded into a fresh SQLite database, its planning world built,
every pool judged (the findings every page of the Quy hoạch pages reads from the world's memo).
Measured: the memory traced (tracemalloc) and the process's resident set before and after the
judging, and the findings' Phrases counted and weighed against the plain `str` of the same text
they replace (the object itself, its msgid-and-arguments tuple, the arguments' dict, the
`Share`/`Num` numbers; a phrase shared, `Phrase.of`, counted once).

    .venv/bin/python -m tests.bench.phrase_memory [demo|small]
"""

from __future__ import annotations

import dataclasses
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from sqlmodel import Session

from quyhoach.db import migrate
from quyhoach.db.engine import make_engine
from quyhoach.domain.phrase import Phrase
from quyhoach.services.planning import judging
from quyhoach.services.planning import world as world_service
from quyhoach.services.records import demo, reference


def rss_mb() -> float:
    """The resident set of this process now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def phrases_in(value: Any, seen: set[int], found: list[Phrase]) -> None:
    """Every Phrase reachable from findings (their message, evidence, name; nested arguments)."""
    if id(value) in seen:
        return
    if isinstance(value, Phrase):
        seen.add(id(value))
        found.append(value)
        for arg in value.args.values():
            phrases_in(arg, seen, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            phrases_in(item, seen, found)
    elif isinstance(value, dict):
        for item in value.values():
            phrases_in(item, seen, found)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        seen.add(id(value))
        for item in dataclasses.fields(value):
            phrases_in(getattr(value, item.name), seen, found)


def main(name: str = demo.DEMO) -> None:
    folder = Path(tempfile.mkdtemp(prefix="phrase-memory-"))
    engine = make_engine(f"sqlite:///{folder / 'demo.db'}")
    migrate.upgrade(engine)
    with Session(engine) as session:
        reference.ensure(session)
        assert demo.load(session, name).ok
        session.commit()
        world = world_service.build(session)
    gc.collect()
    tracemalloc.start()
    before_traced, before_rss = tracemalloc.get_traced_memory()[0], rss_mb()
    started = time.process_time()
    judged = judging.judge_all(world)
    cpu = time.process_time() - started
    gc.collect()
    traced = tracemalloc.get_traced_memory()[0] - before_traced
    rss = rss_mb() - before_rss
    tracemalloc.stop()
    findings = [f for j in judged for f in j.findings()]
    found: list[Phrase] = []
    phrases_in(findings, set(), found)
    count = len(found)
    # Each Phrase made again, then the same text as a plain str: the difference is what a Phrase
    # costs beyond its text (its arguments are the same objects: counted once, as Phrases of their own).
    tracemalloc.start()
    gc.collect()
    start = tracemalloc.get_traced_memory()[0]
    again = [Phrase(p.template, **p.args) if p.args else Phrase(p.template) for p in found]
    as_phrases = tracemalloc.get_traced_memory()[0] - start
    texts = ["".join(list(str.__str__(p))) for p in found]
    as_text = tracemalloc.get_traced_memory()[0] - start - as_phrases
    tracemalloc.stop()
    assert len(again) == len(texts) == count
    extra = as_phrases - as_text
    load = os.getloadavg()
    print(f"demo {name}: {len(judged)} pools judged, {len(findings)} findings, {count} distinct Phrases")
    print(f"judging: traced +{traced / 2**20:.1f} MB, RSS +{rss:.1f} MB, {cpu:.2f} s CPU (traced: slower)")
    print(f"Phrases beyond their plain text: {extra / 2**20:.2f} MB ({extra / max(1, count):.0f} B a Phrase), "
          f"{100 * extra / max(1, traced):.0f} % of the traced growth of the judging")
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
