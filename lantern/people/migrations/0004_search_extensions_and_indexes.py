"""Name search: trigram similarity (pg_trgm) and double metaphone (fuzzystrmatch)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import CreateExtension, TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("people", "0003_flags_and_voice")]

    operations = [
        TrigramExtension(),
        CreateExtension("fuzzystrmatch"),
        migrations.AddIndex(
            model_name="person",
            index=GinIndex(
                fields=["family_name"], opclasses=["gin_trgm_ops"], name="person_family_trgm"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=GinIndex(
                fields=["given_names"], opclasses=["gin_trgm_ops"], name="person_given_trgm"
            ),
        ),
    ]
