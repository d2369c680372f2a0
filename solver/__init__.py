"""The rotation optimiser: a fully prepared problem in, a plan out.

Imports OR-Tools and networkx, never Flask or the database. The engine itself
arrives with the rotation-optimizer issue; this package reserves its place in
the distribution so that `pip install` ships it from day one.
"""

__all__: list[str] = []
