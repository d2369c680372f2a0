"""Planning (quy hoạch): the planning world of facts, pools judged against the rule set, pool
writes with their history, the vacancy forecast, the page views and the versioned rule sets."""

# The change log watches every session from the moment planning is imported (its listeners
# register on import), so every write records what it touched.
from quyhoach.services.planning import changes as _changes  # noqa: F401
