"""Shared test set-up: Hypothesis profiles and the ``needs_dot`` and ``needs_browser`` markers.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) runs many more examples than the default ``dev``.
Tests marked ``needs_dot`` skip when Graphviz's ``dot`` is missing, unless
``BLAMEGRAD_REQUIRE_DOT=1`` (set by CI), where a missing ``dot`` fails them instead.
Tests marked ``needs_browser`` drive Debian's ``chromium`` with Playwright; likewise they skip
when either is missing unless ``BLAMEGRAD_REQUIRE_BROWSER=1`` (set by CI).
"""

from __future__ import annotations

import importlib.util
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
    config.addinivalue_line("markers", "needs_browser: drives a headless chromium with playwright")
    config.addinivalue_line("markers", "venvs: builds throwaway virtual environments with pip (runs in CI too)")
    config.addinivalue_line("markers", "scale: fuzzing's scale cases (seconds each): CI only, or BLAMEGRAD_SCALE=1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skips = {}
    if not shutil.which("dot") and os.environ.get("BLAMEGRAD_REQUIRE_DOT") != "1":
        skips["needs_dot"] = "Graphviz `dot` not installed (apt-get install graphviz)"
    browser = shutil.which("chromium") and importlib.util.find_spec("playwright") is not None
    if not browser and os.environ.get("BLAMEGRAD_REQUIRE_BROWSER") != "1":
        skips["needs_browser"] = (
            "needs chromium (apt-get install chromium) and playwright (pip install blamegrad[test])"
        )
    if os.environ.get("HYPOTHESIS_PROFILE") != "ci" and os.environ.get("BLAMEGRAD_SCALE") != "1":
        skips["scale"] = "a scale case: runs in CI (HYPOTHESIS_PROFILE=ci) or with BLAMEGRAD_SCALE=1"
    for item in items:
        for marker, reason in skips.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))
