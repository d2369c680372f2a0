"""The Luân chuyển pages' words: the labels of `domain.vocab`'s rotation block, translated
where rendered (lazily, so a dict made at import follows each request's language), and
the drawings' words for the user's language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, lazy_gettext as _l

from quyhoach.domain import vocab
from quyhoach.reports.drawings import GraphLabels, SweepLabels


def _lazy(labels: dict[str, Any]) -> dict[str, Any]:
    return {key: tuple(_l(v) for v in value) if isinstance(value, tuple) else _l(value)
            for key, value in labels.items()}


MODE_LABELS = _lazy(vocab.ROTATION_MODE_LABELS)
TARGET_LABELS = _lazy(vocab.ROTATION_TARGET_LABELS)
WEIGHT_LABELS = _lazy(vocab.ROTATION_WEIGHT_LABELS)
STATUS_LABELS = _lazy(vocab.ROTATION_STATUS_LABELS)
STATUS_BADGE = vocab.ROTATION_STATUS_BADGE
PLAN_STATUS = _lazy(vocab.ROTATION_PLAN_STATUS)
PHASE_LABELS = _lazy(vocab.ROTATION_PHASE_LABELS)
KIND_LABELS = _lazy(vocab.ROTATION_KIND_LABELS)
TERM_LABELS = _lazy(vocab.ROTATION_TERM_LABELS)
SWEEP_LABELS = _lazy(vocab.ROTATION_SWEEP_LABELS)
RELAX_LABELS = _lazy(vocab.ROTATION_RELAX_LABELS)
RELAX_RULE = vocab.ROTATION_RELAX_RULE
LEGAL_WHY = _lazy(vocab.ROTATION_LEGAL_WHY)

# What the templates see (globals, not a context processor: the imported macros see them too).
TEMPLATE_GLOBALS = {
    "MODE_LABELS": MODE_LABELS, "TARGET_LABELS": TARGET_LABELS, "WEIGHT_LABELS": WEIGHT_LABELS,
    "RUN_STATUS": STATUS_LABELS, "STATUS_BADGE": STATUS_BADGE, "PLAN_STATUS": PLAN_STATUS,
    "PHASE_LABELS": PHASE_LABELS, "KIND_LABELS": KIND_LABELS, "TERM_LABELS": TERM_LABELS,
    "SWEEP_LABELS": SWEEP_LABELS,
}


def graph_labels() -> GraphLabels:
    """The chain graph's words in the current language."""
    return GraphLabels(**{key: gettext(words) for key, words in vocab.ROTATION_GRAPH_WORDS.items()})


def sweep_labels() -> SweepLabels:
    return SweepLabels(**{key: gettext(words) for key, words in vocab.ROTATION_SWEEP_WORDS.items()})
