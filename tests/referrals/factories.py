"""Referrals straight to the state a test needs, through the services (so clocks, audit and
chronology are as they would be)."""

from __future__ import annotations

from datetime import date
from typing import Any

from lantern.core.models import Code
from lantern.referrals.models import Referral
from lantern.referrals.services import (
    referral_child_add,
    referral_details_save,
    referral_start,
    referral_submit,
)
from tests.access.factories import involve, person


def code(key: str, value: str) -> Code:
    return Code.objects.in_list(key).get(code=value)


DETAILS = {
    "referrer_role": "Designated safeguarding lead",
    "referrer_phone": "01632 960000",
    "what_happened": "Seen getting into a car with two adults after school.",
    "worries": "She has new phones and stays out late; she says the men are her friends.",
    "urgency": "today",
    "exploitation_concern": "yes",
    "exploitation_detail": "",
    "family_knows": True,
    "family_knows_detail": "Her mother is worried too.",
    "consent": "given",
    "consent_reason": "",
}


def details(**changes: Any) -> dict[str, Any]:
    return {
        **DETAILS,
        "source": code("referral_source", "2A"),
        "category": code("cp_category", "SAB"),
        "lawful_basis": code("lawful_basis", "safeguarding"),
        **changes,
    }


def draft(referrer: Any, *, children: int = 1, born: date = date(2011, 5, 4)) -> Referral:
    referral = referral_start(request=None, actor=referrer)
    for i in range(children):
        child = person(given_names=f"Child{i}", family_name="Ashby", date_of_birth=born)
        involve(child, user=referrer)
        referral_child_add(request=None, actor=referrer, referral=referral, person=child)
    referral_details_save(
        request=None,
        actor=referrer,
        referral=referral,
        details=details(),
        indicators=[code("exploitation_indicator", "cars")],
    )
    return referral


def submitted(referrer: Any, **kwargs: Any) -> Referral:
    return referral_submit(request=None, actor=referrer, referral=draft(referrer, **kwargs))
