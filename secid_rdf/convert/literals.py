"""Registry dates and years as typed literals, as precise as they were written."""

from __future__ import annotations

import datetime
import re

from pyoxigraph import Literal

from secid_rdf.vocab import XSD

__all__ = ["date_literal", "year_literal"]

_YEAR_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_YEAR = re.compile(r"[0-9]{4}")


def year_literal(year: int) -> Literal:
    """A year as ``xsd:integer``: OWL 2 reasoners reject ``xsd:gYear`` as a range.

    >>> year_literal(1958).value
    '1958'
    """
    return Literal(str(year), datatype=XSD.integer)


def date_literal(text: str) -> Literal:
    """A date as precise as written: ``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``, or text."""
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        pass
    else:
        if len(text) == 10:
            return Literal(text, datatype=XSD.date)
    if _YEAR_MONTH.fullmatch(text):
        return Literal(text, datatype=XSD.gYearMonth)
    if _YEAR.fullmatch(text):
        return Literal(text, datatype=XSD.gYear)
    return Literal(text)
