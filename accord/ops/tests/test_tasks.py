from django.db import connection

from accord.ops.tasks import database_optimize
from accord.org.models import Person


def test_database_optimize_gives_sqlite_planner_statistics(acme):
    """On SQLite the daily job leaves statistics in sqlite_stat1 for the tables it found;
    on PostgreSQL it leaves the work to autovacuum."""
    Person.objects.bulk_create(
        Person(workspace=acme.workspace, name=f"P{i}", email=f"p{i}@acme.test") for i in range(50)
    )
    result = database_optimize.call()
    if connection.vendor != "sqlite":
        assert result["done"].startswith("nothing")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'org_person'")
        assert cursor.fetchone()[0] > 0
