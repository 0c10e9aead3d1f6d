"""The person record: one per person across agencies, with their names over time."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Concat, Lower, Trim
from django.utils import timezone

from lantern.core.history import track_history
from lantern.core.models import LanternModel


class PersonKind(models.TextChoices):
    CHILD = "child", "Child or young person"
    PARENT_CARER = "parent_carer", "Parent or carer"
    ADULT = "adult", "Other adult"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class BirthPrecision(models.TextChoices):
    EXACT = "exact", "Exact date"
    YEAR = "year", "Year only"
    ESTIMATED = "estimated", "Estimated age range"
    NOT_KNOWN = "not_known", "Not known"


class SpecialNeeds(models.TextChoices):
    NONE = "none", "None known"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHCP = "ehcp", "Education, health and care plan"


class ImmigrationStatus(models.TextChoices):
    NOT_RELEVANT = "", "Not relevant or not known"
    UASC = "uasc", "Unaccompanied asylum-seeking child"
    ASYLUM_SEEKER = "asylum_seeker", "Asylum seeker (with family)"
    REFUGEE = "refugee", "Refugee status"
    NO_RECOURSE = "no_recourse", "No recourse to public funds"
    OTHER = "other", "Other"


@track_history()
class Person(LanternModel):
    """The current legal name is held here for display; every name the person has been known
    by, including this one, is a `PersonName` and all of them are searched.

    A date of birth may be exact, a year, or an estimate from an age range: `born_earliest`
    and `born_latest` bound it in every case, so search and age arithmetic treat all three
    the same way."""

    kind = models.CharField(max_length=16, choices=PersonKind.choices, default=PersonKind.CHILD)
    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    preferred_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    birth_precision = models.CharField(
        max_length=16, choices=BirthPrecision.choices, default=BirthPrecision.NOT_KNOWN
    )
    born_earliest = models.DateField(null=True, blank=True)
    born_latest = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.NOT_KNOWN)
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.NOT_KNOWN)
    ethnicity = models.ForeignKey(
        "core.Code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "ethnicity"},
    )
    first_language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    disability = models.CharField(
        max_length=300, blank=True, help_text="As the person describes it."
    )
    special_needs = models.CharField(
        max_length=16, choices=SpecialNeeds.choices, default=SpecialNeeds.NONE
    )
    immigration_status = models.CharField(
        max_length=16, choices=ImmigrationStatus.choices, blank=True, default=""
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    archive_reason = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        help_text="Set while this record is merged into another; cleared if the merge is undone.",
    )

    class Meta:
        ordering: ClassVar = ["family_name", "given_names"]
        verbose_name_plural = "people"
        indexes: ClassVar = [
            # Trigram indexes for misspelt-name search (migration 0004 adds pg_trgm).
            GinIndex(fields=["family_name"], opclasses=["gin_trgm_ops"], name="person_family_trgm"),
            GinIndex(fields=["given_names"], opclasses=["gin_trgm_ops"], name="person_given_trgm"),
            models.Index(fields=["born_earliest", "born_latest"], name="person_born_range"),
            # The people list's order: the first page without sorting every visible person.
            models.Index(fields=["family_name", "given_names", "id"], name="person_list_order"),
            # An import's exact match: the record's name and exact date of birth together.
            models.Index(
                Lower("family_name"),
                Lower("given_names"),
                F("born_earliest"),
                name="person_exact_name_birth",
            ),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(archived_at__isnull=True) | ~Q(archive_reason=""),
                name="person_archive_needs_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(born_earliest__isnull=True, born_latest__isnull=True)
                | Q(born_earliest__lte=F("born_latest")),
                name="person_birth_range_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(birth_precision="exact")
                | Q(
                    date_of_birth__isnull=False,
                    born_earliest=F("date_of_birth"),
                    born_latest=F("date_of_birth"),
                ),
                name="person_exact_birth_is_one_day",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("id")),
                name="person_not_merged_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"

    @property
    def known_as(self) -> str:
        """The name to call them by: their preferred name where they have one."""
        if self.preferred_name:
            return f"{self.preferred_name} {self.family_name}"
        return str(self)

    def age_on(self, day: date) -> int | None:
        """Age in whole years on `day`, or None unless the date of birth is exact."""
        if self.date_of_birth is None:
            return None
        return years_between(self.date_of_birth, day)

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    def age_range_on(self, day: date) -> tuple[int, int] | None:
        """The youngest and oldest they can be on `day`, from the bounds on their birth."""
        if self.born_earliest is None or self.born_latest is None:
            return None
        return years_between(self.born_latest, day), years_between(self.born_earliest, day)

    @property
    def age_text(self) -> str:
        """Age as a practitioner would say it: "14", "about 14 to 16", or "not known"."""
        today = timezone.localdate()
        span = self.age_range_on(today)
        if span is None:
            return "not known"
        low, high = span
        return str(low) if low == high else f"about {low} to {high}"

    @property
    def birth_text(self) -> str:
        if self.birth_precision == BirthPrecision.EXACT and self.date_of_birth:
            return self.date_of_birth.strftime("%-d %B %Y")
        if self.birth_precision == BirthPrecision.YEAR and self.born_earliest:
            return f"Born in {self.born_earliest.year}"
        if self.birth_precision == BirthPrecision.ESTIMATED:
            return "Not known (age estimated)"
        return "Not known"


def years_between(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (28 February for a 29 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class NameKind(models.TextChoices):
    LEGAL = "legal", "Legal name"
    PREFERRED = "preferred", "Preferred name"
    ALIAS = "alias", "Alias"
    NICKNAME = "nickname", "Nickname or street name"
    PREVIOUS = "previous", "Previous name"


class DoubleMetaphone(Func):
    """fuzzystrmatch's dmetaphone (immutable, so it can fill a generated column)."""

    function = "dmetaphone"
    output_field = models.CharField()


class FirstWord(Func):
    """The first word of a text (of the given names: the first given name)."""

    function = "split_part"
    output_field = models.CharField()

    def __init__(self, expression: object) -> None:
        super().__init__(expression, Value(" "), Value(1))


# Every word of every name into the vocabulary, once per statement however many rows it
# wrote (a statement-level trigger reads the rows it wrote as `written`).
NAME_WORDS_SQL = """
    INSERT INTO people_nameword (word)
    SELECT DISTINCT word
    FROM written, regexp_split_to_table(lower(given_names || ' ' || family_name), '\\s+') AS word
    WHERE word <> ''
    ON CONFLICT DO NOTHING;
    RETURN NULL;
"""


@track_history(exclude=["search_name", "family_sound", "given_sound"])
class PersonName(LanternModel):
    """A name the person is or was known by, with where it came from and when it applied.
    Every name is searched, so a street name or a former surname finds the person."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="names")
    kind = models.CharField(max_length=16, choices=NameKind.choices)
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Who gave or used the name.")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    search_name = models.GeneratedField(
        expression=Lower(Trim(Concat(F("given_names"), Value(" "), F("family_name")))),
        output_field=models.CharField(max_length=401),
        db_persist=True,
    )
    family_sound = models.GeneratedField(
        expression=DoubleMetaphone(F("family_name")),
        output_field=models.CharField(max_length=32),
        db_persist=True,
    )
    given_sound = models.GeneratedField(
        expression=DoubleMetaphone(
            Func(F("given_names"), Value(" "), Value(1), function="split_part")
        ),
        output_field=models.CharField(max_length=32),
        db_persist=True,
    )

    class Meta:
        ordering: ClassVar = ["kind", "-valid_from"]
        indexes: ClassVar = [
            GinIndex(fields=["search_name"], opclasses=["gin_trgm_ops"], name="name_search_trgm"),
            models.Index(fields=["family_sound", "given_sound"], name="name_sounds"),
            models.Index(fields=["given_sound"], name="name_given_sound"),
            # Search looks names up by their words, as spelt, after finding in the vocabulary
            # (`NameWord`) the words a typed one may be: family name and first given name
            # together, or the first given name alone.
            models.Index(Lower("family_name"), Lower(FirstWord("given_names")), name="name_words"),
            models.Index(Lower(FirstWord("given_names")), name="name_first_given"),
            # An import's exact match on a name other than the record's own (`matching.py`).
            models.Index(
                Lower("family_name"),
                Lower("given_names"),
                condition=~Q(kind="legal") & ~Q(family_name=""),
                name="name_other_full",
            ),
            models.Index(
                Lower("given_names"),
                condition=~Q(kind="legal") & Q(family_name=""),
                name="name_other_given_alone",
            ),
        ]
        triggers: ClassVar = [
            pgtrigger.Trigger(
                name=f"name_words_{operation}",
                operation=getattr(pgtrigger, operation.capitalize()),
                when=pgtrigger.After,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(new="written"),
                func=NAME_WORDS_SQL,
            )
            for operation in ("insert", "update")
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(given_names="", family_name=""), name="name_is_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=F("valid_to")),
                name="name_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def current(self) -> bool:
        return self.valid_to is None or self.valid_to >= timezone.localdate()


class NameWord(models.Model):
    """Every word of every name recorded, once, with its sound: the vocabulary that a typed
    word, however misspelt, is matched against (by trigrams and by sound) before the names
    that use the matching words are looked up by index. A city's records hold a few
    thousand distinct name words against a million names, so the fuzzy part of a search
    reads a small index. A trigger on `PersonName` adds new words as names are written;
    words are never removed (a word no name uses any more finds nobody)."""

    word = models.CharField(max_length=200, primary_key=True)
    sound = models.GeneratedField(
        expression=DoubleMetaphone(F("word")),
        output_field=models.CharField(max_length=32),
        db_persist=True,
    )

    class Meta:
        indexes: ClassVar = [
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="name_word_trgm"),
            models.Index(fields=["sound"], name="name_word_sound"),
        ]

    def __str__(self) -> str:
        return self.word
