"""The Karakol demo for the open-data tests (seeded once per module), and reading a feed."""

from __future__ import annotations

import json

import pytest

from ssp_portal.tests.conftest import seeded_demo


@pytest.fixture(scope="module")
def demo_seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo once for the module, rolled back after it."""
    with seeded_demo(django_db_blocker, tmp_path_factory.mktemp("demo-media")):
        yield


@pytest.fixture
def demo(demo_seeded, db, settings):
    """The demo for one test: its changes are rolled back."""


def read(response) -> dict:
    """A streamed feed's JSON."""
    assert response.status_code == 200, response.status_code
    assert response.streaming
    return json.loads(b"".join(response.streaming_content))
