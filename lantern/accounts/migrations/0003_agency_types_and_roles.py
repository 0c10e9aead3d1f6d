"""Loads the agency-type code list and the roles (data, not code: see lantern.accounts.roles)."""

from django.db import migrations

AGENCY_TYPES = [
    ("childrens_social_care", "Children's social care"),
    ("police", "Police"),
    ("education", "Education"),
    ("health", "Health"),
    ("youth_justice", "Youth justice"),
    ("voluntary_sector", "Voluntary sector"),
    ("local_authority_other", "Local authority (other)"),
    ("community", "Community"),
]

ROLES = [
    (
        "referrer",
        "Referrer",
        "Makes referrals and reports concerns, and hears back on the decision.",
    ),
    (
        "mash_triage_worker",
        "MASH triage worker",
        "Screens contacts, gathers partner checks and rates urgency in the MASH.",
    ),
    (
        "mash_manager",
        "MASH manager",
        "Decides and authorises the outcome of contacts and referrals.",
    ),
    (
        "social_worker",
        "Social worker",
        "Runs strategy discussions, section 47 enquiries, assessments and safety plans.",
    ),
    (
        "police_officer",
        "Police officer",
        "Works in joint teams on strategy discussions, enquiries and missing episodes.",
    ),
    (
        "intelligence_analyst",
        "Intelligence analyst",
        "Grades intelligence and links people, places, vehicles and phones.",
    ),
    (
        "missing_coordinator",
        "Missing-person coordinator",
        "Records every missing episode and oversees the response to it.",
    ),
    (
        "return_interview_worker",
        "Return-interview worker",
        "Offers and carries out return home interviews within 72 hours.",
    ),
    (
        "school_safeguarding_lead",
        "School designated safeguarding lead",
        "Raises concerns from a school and shares attendance and wellbeing information.",
    ),
    (
        "health_practitioner",
        "Health practitioner",
        "Raises concerns from health services and contributes to partner checks.",
    ),
    ("panel_chair", "Panel chair", "Chairs the multi-agency exploitation panel and its actions."),
    (
        "partnership_coordinator",
        "Partnership coordinator",
        "Sees data sets, trends, audits and the partnership action plan.",
    ),
    ("auditor", "Auditor", "Checks who saw what and why, and answers subject access requests."),
    (
        "system_administrator",
        "System administrator",
        "Manages agencies, teams, users and their roles.",
    ),
]


def load(apps, schema_editor):
    CodeList = apps.get_model("core", "CodeList")
    Code = apps.get_model("core", "Code")
    Role = apps.get_model("accounts", "Role")
    code_list, _ = CodeList.objects.update_or_create(
        key="agency_type",
        defaults={
            "name": "Agency type",
            "description": "The kind of organisation a partner agency is.",
            "source": "Lantern partnership model",
        },
    )
    for order, (code, label) in enumerate(AGENCY_TYPES):
        Code.objects.update_or_create(
            code_list=code_list,
            code=code,
            version=1,
            defaults={"label": label, "sort_order": order},
        )
    for order, (code, name, description) in enumerate(ROLES):
        Role.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_agency_team_user_relations"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
