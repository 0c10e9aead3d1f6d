"""The code lists a missing episode uses, its two clocks, and the sequence its references come
from.

The police risk grade is versioned: the "no apparent risk (absent)" category was withdrawn for
children, so it is kept (old episodes still name it) with a `valid_to` in the past, and
`Code.objects.in_list("missing_risk_grade").current()` offers only the continuum in use."""

from datetime import date

from django.db import migrations

APP = "College of Policing APP, missing persons: risk identification"

# key: (name, source, [(code, label, valid_to)])
CODE_LISTS = {
    "missing_risk_grade": (
        "Police risk grade (missing)",
        APP,
        [
            ("no_apparent_risk_absent", "No apparent risk (absent)", date(2023, 12, 31)),
            ("very_low", "Very low risk", None),
            ("low", "Low risk", None),
            ("medium", "Medium risk", None),
            ("high", "High risk", None),
        ],
    ),
    "return_interview_outcome": (
        "Return interview outcome",
        "DfE statutory guidance on children who run away or go missing (January 2014), as "
        "mapped to Ofsted Annex A",
        [
            ("offered_accepted", "Offered and accepted", None),
            ("offered_declined", "Offered and declined", None),
            ("not_offered_missing_again", "Not offered: missing again", None),
            ("not_offered_no_contact", "Not offered: unable to make contact", None),
            ("not_offered_other", "Not offered: other", None),
        ],
    ),
    "ssda903_missing_type": (
        "Missing or away from placement (SSDA903)",
        "DfE SSDA903 children looked after return, Missing table, column MISSING",
        [
            ("M", "Missing: whereabouts unknown", None),
            ("A", "Away from placement without authorisation: whereabouts known", None),
        ],
    ),
}

TIMESCALES = [
    (
        "return_interview",
        "Return interview",
        72,
        "hours",
        "Offer the return interview within 72 hours of the child's return.",
        "DfE statutory guidance on children who run away or go missing (January 2014)",
    ),
    (
        "missing_open_escalation",
        "Missing episode still open",
        24,
        "hours",
        "Escalate to a manager when a child has been missing this long.",
        "Local policy",
    ),
]


def load(apps, schema_editor):
    CodeList = apps.get_model("core", "CodeList")
    Code = apps.get_model("core", "Code")
    Timescale = apps.get_model("core", "Timescale")
    for key, (name, source, codes) in CODE_LISTS.items():
        code_list, _ = CodeList.objects.update_or_create(
            key=key, defaults={"name": name, "description": source, "source": source}
        )
        for order, (code, label, valid_to) in enumerate(codes):
            Code.objects.update_or_create(
                code_list=code_list,
                code=code,
                version=1,
                defaults={"label": label, "sort_order": order, "valid_to": valid_to},
            )
    for key, label, amount, unit, description, source in TIMESCALES:
        Timescale.objects.update_or_create(
            key=key,
            defaults={
                "label": label,
                "amount": amount,
                "unit": unit,
                "description": description,
                "source": source,
            },
        )


def unload(apps, schema_editor):
    Timescale = apps.get_model("core", "Timescale")
    Timescale.objects.filter(key__in=[row[0] for row in TIMESCALES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("missing", "0001_episodes_gradings_interviews"),
        ("core", "0005_notifications"),
    ]

    operations = [
        migrations.RunPython(load, unload),
        migrations.RunSQL(
            "CREATE SEQUENCE missing_reference_seq", "DROP SEQUENCE missing_reference_seq"
        ),
    ]
