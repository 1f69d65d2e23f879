"""Create the database cache table with the schema, so `accord migrate` is all a new install
needs (login rate limits and goal-conflict snapshots live in this cache)."""

from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list = []

    operations = [migrations.RunPython(cache_table_create, migrations.RunPython.noop)]
