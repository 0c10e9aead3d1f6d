"""Makes the audit trail append-only and hash-chained, in PostgreSQL itself.

- `lantern_audit_hash` is the one definition of an event's hash; the insert trigger and the
  verification (`lantern.access.audit.audit_verify_chain`) both call it.
- The insert trigger takes a transaction-scoped advisory lock, then numbers the event and
  chains it to the last one. Numbering inside the lock means sequence order is chain order
  even when transactions commit out of order.
- UPDATE, DELETE and TRUNCATE are refused for every role, the owner included.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION lantern_audit_hash(
    prev text, seq bigint, occurred timestamptz, actor uuid, action text,
    object_type text, object_id text, outcome text, detail jsonb
) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(
        coalesce(prev, '') || '|' || seq::text || '|' ||
        to_char(occurred AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|' ||
        coalesce(actor::text, '') || '|' || coalesce(action, '') || '|' ||
        coalesce(object_type, '') || '|' || coalesce(object_id, '') || '|' ||
        coalesce(outcome, '') || '|' || coalesce(detail::text, '{}'),
        'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION lantern_audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    previous text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('lantern_audit_chain'));
    NEW.seq := nextval(pg_get_serial_sequence('access_auditevent', 'seq'));
    NEW.occurred_at := clock_timestamp();
    SELECT hash INTO previous FROM access_auditevent ORDER BY seq DESC LIMIT 1;
    NEW.prev_hash := coalesce(previous, '');
    NEW.hash := lantern_audit_hash(NEW.prev_hash, NEW.seq, NEW.occurred_at, NEW.actor_id,
                                   NEW.action, NEW.object_type, NEW.object_id, NEW.outcome,
                                   NEW.detail);
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION lantern_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_chain BEFORE INSERT ON access_auditevent
    FOR EACH ROW EXECUTE FUNCTION lantern_audit_chain();
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON access_auditevent
    FOR EACH ROW EXECUTE FUNCTION lantern_audit_refuse();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON access_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION lantern_audit_refuse();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS audit_no_truncate ON access_auditevent;
DROP TRIGGER IF EXISTS audit_no_update ON access_auditevent;
DROP TRIGGER IF EXISTS audit_chain ON access_auditevent;
DROP FUNCTION IF EXISTS lantern_audit_refuse();
DROP FUNCTION IF EXISTS lantern_audit_chain();
DROP FUNCTION IF EXISTS lantern_audit_hash(text, bigint, timestamptz, uuid, text, text, text, text, jsonb);
"""


class Migration(migrations.Migration):
    dependencies = [("access", "0002_auditevent_actor")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
