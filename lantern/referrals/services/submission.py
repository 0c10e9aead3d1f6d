"""The referrer's part: a draft referral, the children it is about, and submitting it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.access.models import InvolvementKind
from lantern.access.services import involvement_add
from lantern.accounts.models import User
from lantern.chronology.models import Significance
from lantern.core.deadlines import due_at
from lantern.core.notifications import notify
from lantern.core.references import next_reference
from lantern.core.services import apply_changes
from lantern.people.models import Person, years_between
from lantern.people.services import Birth, person_create
from lantern.referrals.models import (
    Consent,
    ExploitationConcern,
    Referral,
    ReferralChild,
    Status,
    Urgency,
)
from lantern.referrals.services.timeline import on_each_child

ADULT = 18
CODED = frozenset({"source", "category", "lawful_basis"})

# Answers the referral must have before it can be submitted, and the message for each.
REQUIRED = {
    "source": "Select where the referral comes from.",
    "category": "Select the category of concern.",
    "what_happened": "Say what happened.",
    "worries": "Say why you are worried about the child.",
    "urgency": "Select how urgent this is.",
    "exploitation_concern": "Say whether you have concerns of exploitation.",
    "consent": "Say whether consent was given, not sought, or refused and overridden.",
    "lawful_basis": "Select the lawful basis for sharing this information.",
}


def adult_services_message(name: str) -> str:
    return (
        f"{name} is 18 or over. The MASH front door is for children: refer a young adult at "
        f"risk to adult social care instead ({settings.LANTERN_ADULT_SERVICES_ROUTE})."
    )


def _age_refusal(
    name: str, *, born: date | None, age_estimate: int | None, today: date
) -> str | None:
    if born is not None and years_between(born, today) >= ADULT:
        return adult_services_message(name)
    if born is None and age_estimate is not None and age_estimate >= ADULT:
        return adult_services_message(name)
    return None


def referral_start(*, request: HttpRequest | None, actor: User) -> Referral:
    """A new draft referral, owned by the referrer until they submit it."""
    with transaction.atomic():
        referral = Referral(
            referrer=actor, referrer_agency=actor.agency, created_by=actor, modified_by=actor
        )
        referral.full_clean()
        referral.save()
        audit_record(action="referral.started", request=request, actor=actor, obj=referral)
        # The referrer is involved from the start: they go on seeing their draft, then the
        # referral's progress and decision.
        involvement_add(
            actor=actor,
            record=referral,
            kind=InvolvementKind.REFERRER,
            user=actor,
            request=request,
        )
    return referral


def _draft_of(referral: Referral, actor: User) -> None:
    if referral.status != Status.DRAFT or referral.referrer_id != actor.pk:
        raise ValidationError("This referral has been submitted and can no longer be changed.")


def referral_child_add(
    *,
    request: HttpRequest | None,
    actor: User,
    referral: Referral,
    person: Person | None = None,
    given_names: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    age_estimate: int | None = None,
    gender: str = "",
    address: str = "",
    school: str = "",
) -> ReferralChild:
    """Add a child: one already on record (found through the referrer's own search), or the
    details of someone new. A young adult is refused with the route to adult services."""
    _draft_of(referral, actor)
    today = timezone.localdate()
    if person is not None:
        refusal = _age_refusal(
            person.known_as, born=person.born_latest, age_estimate=None, today=today
        )
        if refusal:
            raise ValidationError(refusal)
        if referral.children.filter(person=person).exists():
            raise ValidationError(f"{person.known_as} is already on this referral.")
    else:
        missing = {}
        if not given_names.strip():
            missing["given_names"] = "Enter the child's given name, or the name they are known by."
        if not family_name.strip():
            missing["family_name"] = (
                "Enter the child's family name. If you do not know it, write 'Not known'."
            )
        if missing:
            raise ValidationError(missing)
        if date_of_birth and date_of_birth > today:
            raise ValidationError({"date_of_birth": "The date of birth must be in the past."})
        name = f"{given_names} {family_name}".strip()
        refusal = _age_refusal(name, born=date_of_birth, age_estimate=age_estimate, today=today)
        if refusal:
            raise ValidationError(refusal)
    with transaction.atomic():
        child = ReferralChild(
            referral=referral,
            person=person,
            given_names=given_names.strip(),
            family_name=family_name.strip(),
            date_of_birth=date_of_birth,
            age_estimate=age_estimate,
            gender=gender,
            address=address.strip(),
            school=school.strip(),
        )
        child.full_clean()
        child.save()
        audit_record(
            action="referral.child_added",
            request=request,
            actor=actor,
            obj=referral,
            detail={"person": str(person.pk) if person else "", "new": person is None},
        )
    return child


def referral_child_remove(
    *, request: HttpRequest | None, actor: User, referral: Referral, child: ReferralChild
) -> None:
    _draft_of(referral, actor)
    with transaction.atomic():
        child.delete()
        audit_record(action="referral.child_removed", request=request, actor=actor, obj=referral)


def contradictions(concern: str, indicators: list[Any], detail: str = "") -> dict[str, str]:
    """A checklist that says two things at once: no concern of exploitation, yet signs of it."""
    if concern == ExploitationConcern.NO and (indicators or detail.strip()):
        count = len(indicators)
        said = (
            f"ticked {count} sign{'s' if count != 1 else ''} of it"
            if count
            else "described signs of it"
        )
        return {
            "exploitation_concern": (
                f"You said there are no concerns of exploitation, but you {said}. Answer "
                "'Yes' or 'Not sure', or remove the signs."
            )
        }
    if concern == ExploitationConcern.YES and not indicators and not detail.strip():
        return {
            "exploitation_indicators": (
                "You said there are concerns of exploitation: tick the signs you have seen, "
                "or describe them."
            )
        }
    return {}


def referral_details_save(
    *,
    request: HttpRequest | None,
    actor: User,
    referral: Referral,
    details: dict[str, Any],
    indicators: list[Any],
) -> Referral:
    """Save what happened, the worry, the checklist and the consent record on a draft. The
    checklist is refused when it contradicts itself; consent not sought or overridden needs
    its reason (the golden rules: record every decision to share, and why)."""
    _draft_of(referral, actor)
    errors = contradictions(
        details.get("exploitation_concern", ""), indicators, details.get("exploitation_detail", "")
    )
    if (
        details.get("consent") in {Consent.NOT_SOUGHT, Consent.REFUSED_OVERRIDDEN}
        and not (details.get("consent_reason") or "").strip()
    ):
        errors["consent_reason"] = (
            "Say why consent was not sought, or why you are sharing although it was refused."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        apply_changes(referral, changes=details, actor=actor)
        referral.exploitation_indicators.set(indicators)
        audit_record(action="referral.draft_saved", request=request, actor=actor, obj=referral)
    return referral


def submission_problems(referral: Referral) -> dict[str, str]:
    """Everything that stops a referral being submitted, by field, in the words shown to the
    referrer. Nothing is lost: the draft stays as it is."""
    problems: dict[str, str] = {}
    children = list(referral.children.select_related("person"))
    if not children:
        problems["children"] = "Add the child or children this referral is about."
    today = timezone.localdate()
    for child in children:
        born = child.person.born_latest if child.person else child.date_of_birth
        refusal = _age_refusal(str(child), born=born, age_estimate=child.age_estimate, today=today)
        if refusal:
            problems["children"] = refusal
    for field, message in REQUIRED.items():
        attribute = f"{field}_id" if field in CODED else field
        if not getattr(referral, attribute):
            problems[field] = message
    if referral.family_knows is None:
        problems["family_knows"] = "Say whether the family knows about this referral."
    if referral.consent in {Consent.NOT_SOUGHT, Consent.REFUSED_OVERRIDDEN} and not (
        referral.consent_reason.strip()
    ):
        problems["consent_reason"] = (
            "Say why consent was not sought, or why you are sharing although it was refused."
        )
    indicators = list(referral.exploitation_indicators.all())
    problems.update(
        contradictions(referral.exploitation_concern, indicators, referral.exploitation_detail)
    )
    return problems


def referral_submit(*, request: HttpRequest | None, actor: User, referral: Referral) -> Referral:
    """Send the referral to the MASH: new children become person records, the clock starts
    (a decision within the configured working day), each child's chronology records it, and
    the referrer gets an acknowledgement at once."""
    _draft_of(referral, actor)
    problems = submission_problems(referral)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        _draft_of(referral, actor)
        people: list[Person] = []
        for child in referral.children.select_related("person"):
            if child.person is None:
                birth = (
                    Birth(precision="exact", date_of_birth=child.date_of_birth)
                    if child.date_of_birth
                    else Birth(
                        precision="estimated",
                        age_low=child.age_estimate,
                        age_high=child.age_estimate,
                    )
                    if child.age_estimate is not None
                    else Birth()
                )
                child.person = person_create(
                    request=request,
                    actor=actor,
                    given_names=child.given_names,
                    family_name=child.family_name,
                    birth=birth,
                    gender=child.gender or "not_known",
                )
                child.save(update_fields=["person"])
            people.append(child.person)
        apply_changes(
            referral,
            changes={
                "status": Status.SUBMITTED,
                "reference": next_reference(sequence="referrals_reference_seq", prefix="MASH"),
                "received_at": now,
                "decision_due_at": due_at(now, "referral_decision"),
            },
            actor=actor,
        )
        audit_record(
            action="referral.submitted",
            request=request,
            actor=actor,
            obj=referral,
            detail={"children": [str(p.pk) for p in people], "urgency": referral.urgency},
        )
        significant = (
            referral.urgency == Urgency.IMMEDIATE
            or referral.exploitation_concern == ExploitationConcern.YES
        )
        on_each_child(
            referral,
            summary=f"Referral {referral.reference} to the MASH from "
            f"{referral.referrer_agency or referral.referrer}",
            detail=referral.worries,
            occurred_at=now,
            author=actor,
            significance=Significance.SIGNIFICANT if significant else Significance.ROUTINE,
            request=request,
        )
        notify(
            user=actor,
            subject=f"Referral {referral.reference} received",
            body=(
                f"The MASH received your referral {referral.reference} at "
                f"{timezone.localtime(now):%H:%M on %-d %B %Y}. You will hear the decision "
                "by the end of the next working day. If a child is in immediate danger, "
                "call 999."
            ),
            link=f"/referrals/{referral.pk}/",
        )
    return referral
