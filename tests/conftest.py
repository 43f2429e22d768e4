"""Shared test set-up: Hypothesis profiles and the ``needs_dot`` marker.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) runs many more examples than the default ``dev``.
Tests marked ``needs_dot`` skip when Graphviz's ``dot`` is missing, unless
``BLAMEGRAD_REQUIRE_DOT=1`` (set by CI), where a missing ``dot`` fails them instead.
"""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_dot: needs the Graphviz `dot` program")
    config.addinivalue_line("markers", "slow: builds graphs of a million nodes")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if shutil.which("dot") or os.environ.get("BLAMEGRAD_REQUIRE_DOT") == "1":
        return
    skip = pytest.mark.skip(reason="Graphviz `dot` not installed (apt-get install graphviz)")
    for item in items:
        if "needs_dot" in item.keywords:
            item.add_marker(skip)
