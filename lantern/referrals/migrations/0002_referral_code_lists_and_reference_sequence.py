"""Load the code lists a referral uses, and the sequence its reference numbers come from."""

from django.db import migrations

CODE_LISTS = {
    "referral_source": (
        "Referral source",
        "DfE children in need census: source of referral.",
        [
            ("1A", "Individual: family member, relative or carer"),
            ("1B", "Individual: acquaintance (including neighbours and child minders)"),
            ("1C", "Individual: self"),
            ("1D", "Individual: other"),
            ("2A", "Schools"),
            ("2B", "Education services"),
            ("3A", "Health services: GP"),
            ("3B", "Health services: health visitor"),
            ("3C", "Health services: school nurse"),
            ("3D", "Health services: other primary health services"),
            ("3E", "Health services: A&E"),
            ("3F", "Health services: other"),
            ("4", "Housing"),
            ("5A", "Local authority services: social care"),
            ("5B", "Local authority services: other internal"),
            ("5C", "Local authority services: external"),
            ("5D", "Local authority services: early help"),
            ("6", "Police"),
            ("7", "Other legal agency"),
            ("8", "Other"),
            ("9", "Anonymous"),
            ("10", "Unknown"),
        ],
    ),
    "exploitation_indicator": (
        "Signs of exploitation",
        "Commonly published indicators of child exploitation: the default checklist on a "
        "referral. A partnership can revise it.",
        [
            ("missing", "Going missing or staying out late"),
            ("older_partner", "An older boyfriend or girlfriend, or a controlling adult"),
            ("unexplained_gifts", "Unexplained money, gifts, phones or clothes"),
            ("cars", "Getting into cars with unknown adults"),
            ("peer_group", "A new peer group, or friends who are being exploited"),
            ("substances", "Using drugs or alcohol"),
            ("sexual_health", "Sexual health concerns (infections, pregnancy, termination)"),
            ("education", "Disengaging from school or college"),
            ("mental_health", "Self-harm or their mental health getting worse"),
            ("online", "Secretive use of phones or the internet"),
            ("injuries", "Unexplained injuries"),
            ("businesses", "Links to hotels, taxi firms or takeaways"),
            ("places", "Going to places known for risk"),
        ],
    ),
    "lawful_basis": (
        "Lawful basis for sharing",
        "UK GDPR and the Data Protection Act 2018: the basis on which information about the "
        "child is shared (HM Government, information sharing advice).",
        [
            (
                "safeguarding",
                "UK GDPR Art 9(2)(g) with DPA 2018 Schedule 1 paragraph 18 (safeguarding "
                "children and individuals at risk)",
            ),
            (
                "law_enforcement",
                "DPA 2018 Part 3 with Schedule 8 paragraph 4 (police: law-enforcement processing)",
            ),
            ("consent", "Consent of the young person or their parent or carer"),
        ],
    ),
}


def load(apps, schema_editor):
    CodeList = apps.get_model("core", "CodeList")
    Code = apps.get_model("core", "Code")
    for key, (name, description, codes) in CODE_LISTS.items():
        code_list, _ = CodeList.objects.update_or_create(
            key=key, defaults={"name": name, "description": description, "source": description}
        )
        for order, (code, label) in enumerate(codes):
            Code.objects.update_or_create(
                code_list=code_list,
                code=code,
                version=1,
                defaults={"label": label, "sort_order": order},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_referrals_checks_decisions_strategy"),
        ("core", "0002_row_history"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunSQL(
            "CREATE SEQUENCE referrals_reference_seq",
            "DROP SEQUENCE referrals_reference_seq",
        ),
    ]
