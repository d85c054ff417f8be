"""`make bench` at its smallest: every key page of the benchmark answers itself at scale 0.01,
for the people the benchmark signs in, and what wrk prints becomes docs/benchmarks.md."""

from __future__ import annotations

import pytest
from django.core.management import call_command, get_commands
from django.test import Client

from bench import pages, results

SUMMARY = (
    'BENCH_JSON {"requests": 250, "duration_us": 10000000, "p50_us": 41000, "p99_us": 152500, '
    '"not_200": 0, "socket_errors": 0, "timeouts": 0}\n'
)


@pytest.fixture
def bench_data(settings, tmp_path):
    """The bench seed at scale 0.01; the demo where seed_bench does not exist."""
    settings.SSP_DEMO_ALLOWED = True
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if "seed_bench" in get_commands():
        call_command("seed_bench", "--scale", "0.01")
    else:
        call_command("seed_demo", "--quiet")


@pytest.mark.django_db
def test_every_key_page_answers_itself_to_the_person_signed_in(bench_data):
    client = Client(raise_request_exception=False)
    key_pages = pages.key_pages()
    problems = []
    for page in key_pages:
        page.session = pages.session_for(page.user) if page.user else ""
        problem = pages.measure(client, page)
        if problem and not page.optional:
            problems.append(problem)
    assert problems == []
    names = {page.name for page in key_pages}
    assert {"Home, finance staff", "Staff: applications of a competition", "NCO: reports"} <= names
    assert all(page.queries for page in key_pages if not page.optional)
    # A session that is not (or no longer) signed in gets another page than the person's.
    staff_home = next(page for page in key_pages if page.name == "Home, finance staff")
    staff_home.session = "no-such-session"
    assert "answered 200 without" in pages.measure(client, staff_home)


def test_wrk_summary_is_parsed_in_requests_a_second_and_milliseconds():
    run = results.parse_wrk("Running 10s test\n" + SUMMARY)
    assert (run.rps, run.p50_ms, run.p99_ms, run.not_200) == (25.0, 41.0, 152.5, 0)
    with pytest.raises(ValueError):
        results.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_rows_are_medians_as_a_share_of_the_minimal_page_with_the_targets():
    fast, slow = results.Run(60.0, 20.0, 90.0), results.Run(40.0, 30.0, 200.0)
    page = {"name": "Home", "path": "/", "queries": 7}
    (row,) = results.rows([page], {"Home": [slow, fast, fast]}, [results.Run(100.0, 10.0, 40.0)])
    assert (row.rps, row.share, row.p99_ms, row.queries, row.met) == (60.0, 0.6, 90.0, 7, True)
    (row,) = results.rows([page], {"Home": [slow, slow, fast]}, [results.Run(100.0, 10.0, 40.0)])
    assert (row.share, row.met) == (0.4, False)


def test_the_document_has_a_table_per_scale_and_the_machine():
    row = results.Row("Home", "/", 60.0, 20.0, 90.0, 0.6, 7, 0)
    scales = [
        results.Scale(scale, "`seed_bench`", results.Run(100.0, 10.0, 40.0), [row], [])
        for scale in ("0.1", "1")
    ]
    machine = {"date": "2026-12-02", "cores": 2, "cpu": "x86", "load": "1.00", "versions": "Python"}
    options = {"connections": 16, "threads": 2, "duration": 10, "rounds": 3}
    text = results.document(machine, options, scales)
    assert "### Scale 0.1" in text and "### Scale 1" in text
    assert "| Home (`/`) | 0.60 | 60.0 | 20.0 | 90.0 | 7 | yes |" in text
    assert "| Home | 0.60 | 0.60 | 1.00 |" in text
    assert "2 cores" in text
