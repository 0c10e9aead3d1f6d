"""Load the code lists the person record uses, and give every existing person their legal name
as a searchable name and bounds on their date of birth."""

from django.db import migrations
from django.db.models import F

CODE_LISTS = {
    "ethnicity": (
        "Ethnicity",
        "DfE children in need and school census ethnicity codes (ONS 2021 census groups).",
        [
            ("WBRI", "White: English, Welsh, Scottish, Northern Irish or British"),
            ("WIRI", "White: Irish"),
            ("WIRT", "White: Traveller of Irish heritage"),
            ("WROM", "White: Gypsy or Roma"),
            ("WOTH", "White: any other White background"),
            ("MWBC", "Mixed: White and Black Caribbean"),
            ("MWBA", "Mixed: White and Black African"),
            ("MWAS", "Mixed: White and Asian"),
            ("MOTH", "Mixed: any other mixed background"),
            ("AIND", "Asian or Asian British: Indian"),
            ("APKN", "Asian or Asian British: Pakistani"),
            ("ABAN", "Asian or Asian British: Bangladeshi"),
            ("CHNE", "Asian or Asian British: Chinese"),
            ("AOTH", "Asian or Asian British: any other Asian background"),
            ("BCRB", "Black or Black British: Caribbean"),
            ("BAFR", "Black or Black British: African"),
            ("BOTH", "Black or Black British: any other Black background"),
            ("OOTH", "Any other ethnic group (including Arab)"),
            ("REFU", "Refused"),
            ("NOBT", "Information not yet obtained"),
        ],
    ),
    "cp_category": (
        "Category of abuse",
        "DfE children in need census: the category of a child protection plan. Sexual abuse "
        "includes exploitation.",
        [
            ("NEG", "Neglect"),
            ("PHY", "Physical abuse"),
            ("SAB", "Sexual abuse"),
            ("EMO", "Emotional abuse"),
            ("MUL", "Multiple"),
        ],
    ),
    "lac_legal_status": (
        "Looked-after legal status",
        "DfE SSDA903 legal status codes.",
        [
            ("C1", "Interim care order"),
            ("C2", "Full care order"),
            ("D1", "Freeing order granted"),
            ("E1", "Placement order granted"),
            ("J1", "Remanded to local authority or youth detention accommodation"),
            ("J2", "Placed in local authority accommodation under PACE"),
            ("J3", "Sentenced to a youth rehabilitation order with residence requirement"),
            ("L1", "Under police protection and in local authority accommodation"),
            ("L2", "Emergency protection order"),
            ("L3", "Under a child assessment order and in local authority accommodation"),
            ("V2", "Single period of accommodation under section 20"),
            ("V3", "Accommodated under an agreed series of short-term breaks (episodes)"),
            ("V4", "Accommodated under an agreed series of short-term breaks (agreements)"),
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
    Person = apps.get_model("people", "Person")
    PersonName = apps.get_model("people", "PersonName")
    Person.objects.filter(date_of_birth__isnull=False).update(
        birth_precision="exact",
        born_earliest=F("date_of_birth"),
        born_latest=F("date_of_birth"),
    )
    PersonName.objects.bulk_create(
        [
            PersonName(
                person_id=person.pk,
                kind="legal",
                given_names=person.given_names,
                family_name=person.family_name,
                source="Recorded when the record was made",
                created_by_id=person.created_by_id,
                modified_by_id=person.created_by_id,
            )
            for person in Person.objects.exclude(names__kind="legal").iterator()
        ],
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_row_history"),
        ("people", "0005_names_circumstances_relationships_merges"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
