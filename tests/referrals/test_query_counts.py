"""The MASH queue makes the same number of queries whatever the number of rows it shows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lantern.referrals.services import partner_checks_request
from tests.referrals.factories import submitted

pytestmark = pytest.mark.django_db


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/referrals/queue/")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_queue_does_not_query_per_row(client: Client, signed_in: Any, make_user: Any) -> None:
    worker = signed_in("mash_triage_worker")
    referrer = make_user("police_officer")
    first = submitted(referrer, children=2)
    partner_checks_request(request=None, actor=worker, referral=first, agencies=[referrer.agency])
    few = _queries(client)
    for _ in range(12):
        referral = submitted(make_user("school_safeguarding_lead"), children=2)
        partner_checks_request(
            request=None, actor=worker, referral=referral, agencies=[referrer.agency]
        )
    many = _queries(client)
    assert many == few
    page = client.get("/referrals/queue/")
    assert page.text.count("Child1 Ashby") == 13
