"""Two finance officers award at the same moment: the budget holds."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from procurement import selectors
from procurement.models import Award
from procurement.services import evaluation as services
from procurement.tests.competition_in_evaluation import build, score, sign


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_awards_cannot_exceed_the_budget(postgresql, municipality, finance_staff, monkeypatch):
    evaluation = build(municipality, budget=Decimal("250000"))
    for user in (evaluation.chair, evaluation.member1, evaluation.member2):
        sign(evaluation, user)
        for application, values in zip(evaluation.applications, ([9, 5], [7, 4], [5, 3]), strict=True):
            score(evaluation, user, application, values)
    ranking = selectors.ranking

    def slow_ranking(**kwargs):
        # Hold the first award's transaction open while the second one arrives.
        rows = ranking(**kwargs)
        time.sleep(0.5)
        return rows

    monkeypatch.setattr(selectors, "ranking", slow_ranking)
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def award(application, reason: str) -> None:
        try:
            start.wait()
            services.award_grant(
                application=application, by=finance_staff, amount=Decimal("150000"), departure_reason=reason
            )
            outcomes.append("awarded")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    a, b, _c = evaluation.applications
    threads = [
        threading.Thread(target=award, args=(a, "")),
        threading.Thread(target=award, args=(b, "A was being awarded at the same moment")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(outcomes)[1] == "awarded"
    assert "exceed the budget" in sorted(outcomes)[0]
    assert Award.objects.count() == 1
    assert sum(Award.objects.values_list("amount", flat=True)) <= Decimal("250000")
