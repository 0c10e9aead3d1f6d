"""The Philomena profile of a child at risk of going missing (its photo in the private media
storage), and the timescale within which a profile should be reviewed."""

import django.db.models.deletion
import lantern.missing.models.profile
import pgtrigger.compiler
import pgtrigger.migrations
import uuid
from django.conf import settings
from django.db import migrations, models


REVIEW = {
    "label": "Missing profile review",
    "amount": 90,
    "unit": "calendar_days",
    "description": "Review a child's Philomena profile (description, photo, people and places) "
    "at least this often, so that it is current when the child goes missing.",
    "source": "Local policy (Philomena Protocol)",
}


def load(apps, schema_editor):
    Timescale = apps.get_model("core", "Timescale")
    Timescale.objects.update_or_create(key="missing_profile_review", defaults=REVIEW)


def unload(apps, schema_editor):
    Timescale = apps.get_model("core", "Timescale")
    Timescale.objects.filter(key="missing_profile_review").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("missing", "0003_rules_and_firings"),
        ("people", "0009_person_list_order"),
        ("pghistory", "0007_auto_20250421_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MissingProfile",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("modified_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "height",
                    models.CharField(
                        blank=True, help_text="For example, 160 cm or 5 ft 3.", max_length=60
                    ),
                ),
                (
                    "build",
                    models.CharField(
                        blank=True, help_text="For example, slim or stocky.", max_length=100
                    ),
                ),
                (
                    "hair",
                    models.CharField(
                        blank=True,
                        help_text="Colour, length and style, as it is now.",
                        max_length=200,
                    ),
                ),
                ("eyes", models.CharField(blank=True, max_length=100, verbose_name="Eye colour")),
                (
                    "distinguishing_marks",
                    models.TextField(
                        blank=True,
                        help_text="Anything that would help someone recognise them, and where it is.",
                        verbose_name="Scars, marks, tattoos or piercings",
                    ),
                ),
                (
                    "clothing_style",
                    models.TextField(
                        blank=True,
                        help_text="What they usually wear: coats, shoes, bags, brands, colours.",
                        verbose_name="Usual clothing and style",
                    ),
                ),
                (
                    "photo",
                    models.FileField(
                        blank=True,
                        storage=lantern.missing.models.profile.private_media,
                        upload_to=lantern.missing.models.profile.photo_name,
                    ),
                ),
                (
                    "photo_taken_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="When the photo was taken"
                    ),
                ),
                (
                    "associates",
                    models.TextField(
                        blank=True,
                        help_text="One person a line: name, how the young person knows them, and where they live or are usually seen.",
                        verbose_name="People they know",
                    ),
                ),
                (
                    "places",
                    models.TextField(
                        blank=True,
                        help_text="One place a line: addresses, parks, shops, stations, other towns.",
                        verbose_name="Places they go",
                    ),
                ),
                (
                    "phones",
                    models.TextField(
                        blank=True,
                        help_text="One a line, with whose phone it is if not theirs.",
                        verbose_name="Phone numbers",
                    ),
                ),
                (
                    "social_media",
                    models.TextField(
                        blank=True,
                        help_text="One a line: the app and the user name.",
                        verbose_name="Social media accounts",
                    ),
                ),
                (
                    "transport",
                    models.TextField(
                        blank=True,
                        help_text="Bus routes, trains, bikes, taxis, lifts from others; passes or cards they use.",
                        verbose_name="How they travel",
                    ),
                ),
                (
                    "medical_needs",
                    models.TextField(
                        blank=True,
                        help_text="Conditions, medication and what happens if they go without it.",
                        verbose_name="Medical needs and medication",
                    ),
                ),
                (
                    "communication",
                    models.TextField(blank=True, verbose_name="Languages and communication needs"),
                ),
                (
                    "what_helps",
                    models.TextField(
                        blank=True,
                        help_text="How to approach them when they are found, and what to avoid.",
                        verbose_name="What calms them and what to say",
                    ),
                ),
                ("reviewed_at", models.DateTimeField(verbose_name="Last reviewed")),
                (
                    "child",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="missing_profile",
                        to="people.person",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "modified_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["child"],
            },
        ),
        migrations.CreateModel(
            name="MissingProfileEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("modified_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                (
                    "height",
                    models.CharField(
                        blank=True, help_text="For example, 160 cm or 5 ft 3.", max_length=60
                    ),
                ),
                (
                    "build",
                    models.CharField(
                        blank=True, help_text="For example, slim or stocky.", max_length=100
                    ),
                ),
                (
                    "hair",
                    models.CharField(
                        blank=True,
                        help_text="Colour, length and style, as it is now.",
                        max_length=200,
                    ),
                ),
                ("eyes", models.CharField(blank=True, max_length=100, verbose_name="Eye colour")),
                (
                    "distinguishing_marks",
                    models.TextField(
                        blank=True,
                        help_text="Anything that would help someone recognise them, and where it is.",
                        verbose_name="Scars, marks, tattoos or piercings",
                    ),
                ),
                (
                    "clothing_style",
                    models.TextField(
                        blank=True,
                        help_text="What they usually wear: coats, shoes, bags, brands, colours.",
                        verbose_name="Usual clothing and style",
                    ),
                ),
                (
                    "photo",
                    models.FileField(
                        blank=True,
                        storage=lantern.missing.models.profile.private_media,
                        upload_to=lantern.missing.models.profile.photo_name,
                    ),
                ),
                (
                    "photo_taken_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="When the photo was taken"
                    ),
                ),
                (
                    "associates",
                    models.TextField(
                        blank=True,
                        help_text="One person a line: name, how the young person knows them, and where they live or are usually seen.",
                        verbose_name="People they know",
                    ),
                ),
                (
                    "places",
                    models.TextField(
                        blank=True,
                        help_text="One place a line: addresses, parks, shops, stations, other towns.",
                        verbose_name="Places they go",
                    ),
                ),
                (
                    "phones",
                    models.TextField(
                        blank=True,
                        help_text="One a line, with whose phone it is if not theirs.",
                        verbose_name="Phone numbers",
                    ),
                ),
                (
                    "social_media",
                    models.TextField(
                        blank=True,
                        help_text="One a line: the app and the user name.",
                        verbose_name="Social media accounts",
                    ),
                ),
                (
                    "transport",
                    models.TextField(
                        blank=True,
                        help_text="Bus routes, trains, bikes, taxis, lifts from others; passes or cards they use.",
                        verbose_name="How they travel",
                    ),
                ),
                (
                    "medical_needs",
                    models.TextField(
                        blank=True,
                        help_text="Conditions, medication and what happens if they go without it.",
                        verbose_name="Medical needs and medication",
                    ),
                ),
                (
                    "communication",
                    models.TextField(blank=True, verbose_name="Languages and communication needs"),
                ),
                (
                    "what_helps",
                    models.TextField(
                        blank=True,
                        help_text="How to approach them when they are found, and what to avoid.",
                        verbose_name="What calms them and what to say",
                    ),
                ),
                ("reviewed_at", models.DateTimeField(verbose_name="Last reviewed")),
                (
                    "child",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="people.person",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "modified_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "pgh_context",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="pghistory.context",
                    ),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="missing.missingprofile",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="missingprofile",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "missing_missingprofileevent" ("associates", "build", "child_id", "clothing_style", "communication", "created_at", "created_by_id", "distinguishing_marks", "eyes", "hair", "height", "id", "medical_needs", "modified_at", "modified_by_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phones", "photo", "photo_taken_on", "places", "reviewed_at", "reviewed_by_id", "social_media", "transport", "version", "what_helps") VALUES (NEW."associates", NEW."build", NEW."child_id", NEW."clothing_style", NEW."communication", NEW."created_at", NEW."created_by_id", NEW."distinguishing_marks", NEW."eyes", NEW."hair", NEW."height", NEW."id", NEW."medical_needs", NEW."modified_at", NEW."modified_by_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."phones", NEW."photo", NEW."photo_taken_on", NEW."places", NEW."reviewed_at", NEW."reviewed_by_id", NEW."social_media", NEW."transport", NEW."version", NEW."what_helps"); RETURN NULL;',
                    hash="8ed2abb25ab7e08574f7ef009a3eeff00d39e8af",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_7aea4",
                    table="missing_missingprofile",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="missingprofile",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "missing_missingprofileevent" ("associates", "build", "child_id", "clothing_style", "communication", "created_at", "created_by_id", "distinguishing_marks", "eyes", "hair", "height", "id", "medical_needs", "modified_at", "modified_by_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phones", "photo", "photo_taken_on", "places", "reviewed_at", "reviewed_by_id", "social_media", "transport", "version", "what_helps") VALUES (NEW."associates", NEW."build", NEW."child_id", NEW."clothing_style", NEW."communication", NEW."created_at", NEW."created_by_id", NEW."distinguishing_marks", NEW."eyes", NEW."hair", NEW."height", NEW."id", NEW."medical_needs", NEW."modified_at", NEW."modified_by_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."phones", NEW."photo", NEW."photo_taken_on", NEW."places", NEW."reviewed_at", NEW."reviewed_by_id", NEW."social_media", NEW."transport", NEW."version", NEW."what_helps"); RETURN NULL;',
                    hash="8bd70c03cc06a683516b7afc3f88a2598ca1b212",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_ec133",
                    table="missing_missingprofile",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="missingprofile",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "missing_missingprofileevent" ("associates", "build", "child_id", "clothing_style", "communication", "created_at", "created_by_id", "distinguishing_marks", "eyes", "hair", "height", "id", "medical_needs", "modified_at", "modified_by_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phones", "photo", "photo_taken_on", "places", "reviewed_at", "reviewed_by_id", "social_media", "transport", "version", "what_helps") VALUES (OLD."associates", OLD."build", OLD."child_id", OLD."clothing_style", OLD."communication", OLD."created_at", OLD."created_by_id", OLD."distinguishing_marks", OLD."eyes", OLD."hair", OLD."height", OLD."id", OLD."medical_needs", OLD."modified_at", OLD."modified_by_id", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."phones", OLD."photo", OLD."photo_taken_on", OLD."places", OLD."reviewed_at", OLD."reviewed_by_id", OLD."social_media", OLD."transport", OLD."version", OLD."what_helps"); RETURN NULL;',
                    hash="04d973f665abe0357d684a213dcd6451cf7137fe",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_c0e9f",
                    table="missing_missingprofile",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="missingprofileevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="44dff8940b7a5d720496689b95e044512a233dc8",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_e01a7",
                    table="missing_missingprofileevent",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunPython(load, unload),
    ]
