"""The default timescales: Working Together to Safeguard Children 2023 and the MASH's RAG
response targets. A partnership changes them in Administration > Timescales."""

from django.db import migrations

WORKING_TOGETHER = "Working Together to Safeguard Children 2023"
LOCAL = "MASH response targets by RAG rating, local policy"

DEFAULTS = [
    (
        "referral_decision",
        "Decision on a referral",
        1,
        "working_days",
        "Decide what response a referral needs within one working day of receiving it, and tell "
        "the referrer.",
        WORKING_TOGETHER,
    ),
    (
        "assessment",
        "Assessment",
        45,
        "working_days",
        "Complete the assessment within 45 working days of the referral.",
        WORKING_TOGETHER,
    ),
    (
        "icpc",
        "Initial child protection conference",
        15,
        "working_days",
        "Initial child protection conference after the last strategy discussion.",
        WORKING_TOGETHER,
    ),
    (
        "rag_red",
        "MASH response: red",
        4,
        "working_hours",
        "MASH response target for a contact rated red.",
        LOCAL,
    ),
    (
        "rag_amber",
        "MASH response: amber",
        1,
        "working_days",
        "MASH response target for a contact rated amber.",
        LOCAL,
    ),
    (
        "rag_green",
        "MASH response: green",
        3,
        "working_days",
        "MASH response target for a contact rated green.",
        LOCAL,
    ),
]


def load(apps, schema_editor):
    Timescale = apps.get_model("core", "Timescale")
    for key, label, amount, unit, description, source in DEFAULTS:
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
    Timescale.objects.filter(key__in=[row[0] for row in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_timescales")]

    operations = [migrations.RunPython(load, unload)]
