"""The audit trail refuses updates in the database itself (besides the model and queryset):
a trigger on SQLite and PostgreSQL. On PostgreSQL deletes are refused too (SQLite's test
flush empties tables with DELETE, PostgreSQL's with TRUNCATE, which row triggers do not see;
on SQLite the model, its queryset and the PROTECT key from the item refuse deletes).

A later migration that rebuilds the table on SQLite drops the trigger: it must create it
again (tests/web/test_rectify.py fails without it)."""

from django.db import migrations

SQLITE_UP = [
    "CREATE TRIGGER rectify_auditentry_no_update BEFORE UPDATE ON rectify_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'rectify_auditentry is append-only'); END",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS rectify_auditentry_no_update"]

POSTGRES_UP = [
    "CREATE OR REPLACE FUNCTION rectify_auditentry_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'rectify_auditentry is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER rectify_auditentry_append_only BEFORE UPDATE OR DELETE ON rectify_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION rectify_auditentry_append_only()",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS rectify_auditentry_append_only ON rectify_auditentry",
    "DROP FUNCTION IF EXISTS rectify_auditentry_append_only()",
]


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        for sql in sql_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("rectify", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
                             _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN})),
    ]
