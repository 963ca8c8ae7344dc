"""The examples in the package's docstrings still give what they show."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import secid_rdf

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(secid_rdf.__path__, prefix="secid_rdf.")
)


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_package_has_docstring_examples() -> None:
    attempted = sum(
        doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS).attempted
        for module in MODULES
    )
    assert attempted > 100
