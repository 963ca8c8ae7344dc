"""Tools for testing and measuring secid-rdf.

``secid_rdf.testing.synthetic`` writes synthetic registries of any size
(``python -m secid_rdf.testing.synthetic DEST N``).
"""

from __future__ import annotations

__all__: list[str] = []
