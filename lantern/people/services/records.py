"""Creating, correcting, naming and archiving person records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.access.models import InvolvementKind
from lantern.access.services import involvement_add
from lantern.accounts.models import User
from lantern.chronology.models import EntryKind, Significance
from lantern.chronology.services import chronology_append
from lantern.core.services import apply_changes
from lantern.people.models import BirthPrecision, NameKind, Person, PersonName, years_before

#: Nobody on the record is older than this: a date of birth before it is a typing error.
OLDEST = 120


@dataclass(frozen=True)
class Birth:
    """What is known of a date of birth: exact, a year, an age range estimated on a day, or
    nothing. `bounds()` turns each into the earliest and latest possible birthday."""

    precision: str = BirthPrecision.NOT_KNOWN
    date_of_birth: date | None = None
    year: int | None = None
    age_low: int | None = None
    age_high: int | None = None
    estimated_on: date | None = None

    def bounds(self, today: date | None = None) -> tuple[date | None, date | None, date | None]:
        """(date_of_birth, born_earliest, born_latest), or a ValidationError saying what is
        impossible about it as of `today` (the demo passes its fixed day)."""
        today = today or timezone.localdate()
        if self.precision == BirthPrecision.EXACT:
            if self.date_of_birth is None:
                raise ValidationError({"date_of_birth": "Enter the date of birth."})
            if self.date_of_birth > today:
                raise ValidationError(
                    {"date_of_birth": "The date of birth must be today or in the past."}
                )
            if self.date_of_birth.year < today.year - OLDEST:
                raise ValidationError(
                    {"date_of_birth": f"The date of birth is more than {OLDEST} years ago."}
                )
            return self.date_of_birth, self.date_of_birth, self.date_of_birth
        if self.precision == BirthPrecision.YEAR:
            if self.year is None:
                raise ValidationError({"birth_year": "Enter the year of birth."})
            if self.year > today.year or self.year < today.year - OLDEST:
                raise ValidationError(
                    {
                        "birth_year": "Enter a year of birth between "
                        f"{today.year - OLDEST} and {today.year}."
                    }
                )
            return None, date(self.year, 1, 1), min(date(self.year, 12, 31), today)
        if self.precision == BirthPrecision.ESTIMATED:
            low, high = self.age_low, self.age_high
            if low is None or high is None:
                raise ValidationError({"age_low": "Enter the youngest and oldest they could be."})
            if low > high:
                raise ValidationError(
                    {"age_low": "The youngest age must not be more than the oldest."}
                )
            if high > OLDEST:
                raise ValidationError({"age_high": f"Enter an age of {OLDEST} or less."})
            on = self.estimated_on or today
            latest = years_before(on, low)
            earliest = years_before(on, high + 1) + timedelta(days=1)
            return None, earliest, min(latest, today)
        return None, None, None


def person_create(
    *,
    request: HttpRequest | None,
    actor: User,
    given_names: str,
    family_name: str,
    birth: Birth | None = None,
    date_of_birth: date | None = None,
    gender: str = "not_known",
    new_record_reason: str = "",
    **details: Any,
) -> Person:
    """A new person record, with their legal name as the first of their names. Its creator is
    recorded as a professional involved, so they can go on seeing what they recorded. Where
    the search before creating found a likely match, `new_record_reason` says why this is
    someone else, and the audit trail keeps it."""
    if birth is None:
        birth = Birth(
            precision=BirthPrecision.EXACT if date_of_birth else BirthPrecision.NOT_KNOWN,
            date_of_birth=date_of_birth,
        )
    dob, earliest, latest = birth.bounds()
    with transaction.atomic():
        person = Person(
            given_names=given_names.strip(),
            family_name=family_name.strip(),
            date_of_birth=dob,
            birth_precision=birth.precision,
            born_earliest=earliest,
            born_latest=latest,
            gender=gender,
            created_by=actor,
            modified_by=actor,
            **details,
        )
        person.full_clean()
        person.save()
        _name_save(person, NameKind.LEGAL, person.given_names, person.family_name, actor=actor)
        if person.preferred_name:
            _name_save(person, NameKind.PREFERRED, person.preferred_name, "", actor=actor)
        audit_record(
            action="person.created",
            request=request,
            actor=actor,
            obj=person,
            detail={"despite_a_likely_match": new_record_reason.strip()}
            if new_record_reason.strip()
            else None,
        )
        involvement_add(
            actor=actor,
            record=person,
            kind=InvolvementKind.PROFESSIONAL,
            user=actor,
            request=request,
        )
        chronology_append(
            person=person,
            kind=EntryKind.RECORD,
            summary="Person record created",
            occurred_at=timezone.now(),
            author=actor,
            request=request,
        )
    return person


def _name_save(
    person: Person, kind: str, given: str, family: str, *, actor: User, source: str = ""
) -> PersonName:
    name = PersonName(
        person=person,
        kind=kind,
        given_names=given.strip(),
        family_name=family.strip(),
        source=source.strip(),
        valid_from=timezone.localdate() if kind != NameKind.LEGAL or person.version > 1 else None,
        created_by=actor,
        modified_by=actor,
    )
    name.full_clean(exclude=["search_name", "family_sound", "given_sound"])
    name.save()
    return name


def person_update(
    *,
    request: HttpRequest | None,
    actor: User,
    person: Person,
    expected_version: int,
    birth: Birth,
    name_change_source: str = "",
    **changes: Any,
) -> dict[str, list[Any]]:
    """Correct or update the person's details, refusing a save made from a stale copy (someone
    else saved first). A new legal name keeps the old one as a previous name, still searched;
    a new preferred name does the same."""
    dob, earliest, latest = birth.bounds()
    changes |= {
        "date_of_birth": dob,
        "birth_precision": birth.precision,
        "born_earliest": earliest,
        "born_latest": latest,
    }
    for key in ("given_names", "family_name", "preferred_name"):
        if key in changes:
            changes[key] = changes[key].strip()
    with transaction.atomic():
        before = (person.given_names, person.family_name, person.preferred_name)
        changed = apply_changes(
            person, changes=changes, actor=actor, expected_version=expected_version
        )
        if not changed:
            return changed
        today = timezone.localdate()
        if (person.given_names, person.family_name) != before[:2]:
            person.names.filter(kind=NameKind.LEGAL, valid_to__isnull=True).update(
                kind=NameKind.PREVIOUS, valid_to=today, modified_by=actor
            )
            _name_save(
                person,
                NameKind.LEGAL,
                person.given_names,
                person.family_name,
                actor=actor,
                source=name_change_source,
            )
        if person.preferred_name != before[2]:
            person.names.filter(kind=NameKind.PREFERRED, valid_to__isnull=True).update(
                valid_to=today, modified_by=actor
            )
            if person.preferred_name:
                _name_save(person, NameKind.PREFERRED, person.preferred_name, "", actor=actor)
        audit_record(
            action="person.updated", request=request, actor=actor, obj=person, detail=changed
        )
        chronology_append(
            person=person,
            kind=EntryKind.RECORD,
            summary="Personal details changed: " + ", ".join(_label(field) for field in changed),
            occurred_at=timezone.now(),
            author=actor,
            request=request,
        )
    return changed


def _label(name: str) -> str:
    field = Person._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def name_add(
    *,
    request: HttpRequest | None,
    actor: User,
    person: Person,
    kind: str,
    given_names: str,
    family_name: str = "",
    source: str,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> PersonName:
    """Another name the person is known by: an alias, a nickname or street name, a previous
    name. The source matters (who used it, where), so it is required."""
    if kind == NameKind.LEGAL:
        raise ValidationError({"kind": "Change the legal name by editing the person's details."})
    if not source.strip():
        raise ValidationError({"source": "Say who uses or gave this name."})
    if not (given_names.strip() or family_name.strip()):
        raise ValidationError({"given_names": "Enter the name."})
    with transaction.atomic():
        name = PersonName(
            person=person,
            kind=kind,
            given_names=given_names.strip(),
            family_name=family_name.strip(),
            source=source.strip(),
            valid_from=valid_from,
            valid_to=valid_to,
            created_by=actor,
            modified_by=actor,
        )
        name.full_clean(exclude=["search_name", "family_sound", "given_sound"])
        name.save()
        audit_record(
            action="person.name_added",
            request=request,
            actor=actor,
            obj=person,
            detail={"kind": kind},
        )
        chronology_append(
            person=person,
            kind=EntryKind.RECORD,
            summary=f"{name.get_kind_display()} recorded: {name}",
            detail=f"Source: {name.source}",
            occurred_at=timezone.now(),
            author=actor,
            request=request,
            link=name,
        )
    return name


def person_archive(
    *, request: HttpRequest | None, actor: User, person: Person, reason: str
) -> Person:
    """Archive, never delete: the record leaves lists and searches but nothing is lost, and
    the audit trail says who archived it and why."""
    if not reason.strip():
        raise ValidationError({"reason": "Explain why the record is being archived."})
    with transaction.atomic():
        apply_changes(
            person,
            changes={
                "archived_at": timezone.now(),
                "archived_by": actor,
                "archive_reason": reason.strip(),
            },
            actor=actor,
        )
        audit_record(
            action="person.archived", request=request, actor=actor, obj=person, purpose=reason
        )
        chronology_append(
            person=person,
            kind=EntryKind.RECORD,
            summary="Record archived",
            detail=reason.strip(),
            occurred_at=timezone.now(),
            author=actor,
            significance=Significance.SIGNIFICANT,
            request=request,
        )
    return person
