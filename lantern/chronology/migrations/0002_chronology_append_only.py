"""Chronology entries are never edited or deleted: corrections are addenda."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION lantern_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is not allowed on %: entries are kept as written; add an addendum',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER chronology_no_change BEFORE UPDATE OR DELETE ON chronology_chronologyentry
    FOR EACH ROW EXECUTE FUNCTION lantern_refuse_change();
CREATE TRIGGER chronology_no_truncate BEFORE TRUNCATE ON chronology_chronologyentry
    FOR EACH STATEMENT EXECUTE FUNCTION lantern_refuse_change();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS chronology_no_truncate ON chronology_chronologyentry;
DROP TRIGGER IF EXISTS chronology_no_change ON chronology_chronologyentry;
DROP FUNCTION IF EXISTS lantern_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("chronology", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
