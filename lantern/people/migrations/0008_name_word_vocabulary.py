"""Search by the words of names: the vocabulary of every word of every name (`NameWord`, with
a trigram index and its sound), kept by a trigger on names, and indexes on each name's family
name and first given name as spelt. Fills the vocabulary from the names already recorded."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
import lantern.people.models.person
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_merge_carries_involvements"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NameWord",
            fields=[
                ("word", models.CharField(max_length=200, primary_key=True, serialize=False)),
                (
                    "sound",
                    models.GeneratedField(
                        db_persist=True,
                        expression=lantern.people.models.person.DoubleMetaphone(models.F("word")),
                        output_field=models.CharField(max_length=32),
                    ),
                ),
            ],
        ),
        migrations.RunSQL(
            "INSERT INTO people_nameword (word) SELECT DISTINCT word FROM people_personname, "
            "regexp_split_to_table(lower(given_names || ' ' || family_name), '\\s+') AS word "
            "WHERE word <> '' ON CONFLICT DO NOTHING",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="personname",
            index=models.Index(
                django.db.models.functions.text.Lower("family_name"),
                django.db.models.functions.text.Lower(
                    lantern.people.models.person.FirstWord("given_names")
                ),
                name="name_words",
            ),
        ),
        migrations.AddIndex(
            model_name="personname",
            index=models.Index(
                django.db.models.functions.text.Lower(
                    lantern.people.models.person.FirstWord("given_names")
                ),
                name="name_first_given",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="personname",
            trigger=pgtrigger.compiler.Trigger(
                name="name_words_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\n    INSERT INTO people_nameword (word)\n    SELECT DISTINCT word\n    FROM written, regexp_split_to_table(lower(given_names || ' ' || family_name), '\\s+') AS word\n    WHERE word <> ''\n    ON CONFLICT DO NOTHING;\n    RETURN NULL;\n",
                    hash="6e49a00007b42785879e1e40735122e140545a3d",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_name_words_insert_d187b",
                    referencing="REFERENCING NEW TABLE AS written ",
                    table="people_personname",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="personname",
            trigger=pgtrigger.compiler.Trigger(
                name="name_words_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\n    INSERT INTO people_nameword (word)\n    SELECT DISTINCT word\n    FROM written, regexp_split_to_table(lower(given_names || ' ' || family_name), '\\s+') AS word\n    WHERE word <> ''\n    ON CONFLICT DO NOTHING;\n    RETURN NULL;\n",
                    hash="dec5702f99981db9a2320bfba91804b2540205c2",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_name_words_update_4e712",
                    referencing="REFERENCING NEW TABLE AS written ",
                    table="people_personname",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddIndex(
            model_name="nameword",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["word"], name="name_word_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="nameword",
            index=models.Index(fields=["sound"], name="name_word_sound"),
        ),
    ]
