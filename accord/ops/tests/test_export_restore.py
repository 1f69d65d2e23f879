"""`accord export` and `accord restore`: a workspace leaves and comes back whole."""

import datetime
import gzip
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from accord.ops.backup import postgres_backup
from accord.ops.portability import EXCLUDED_MODELS, _concrete_models, _label, export_plan
from accord.org.models import Function
from accord.surveys.models import Answer, Response, UsedToken
from accord.workspaces.models import Workspace


@dataclass
class EmptyDatabase:
    """A second, migrated, empty database of the same kind as the test database, for real
    `accord` processes to restore into."""

    env: dict[str, str]

    def accord(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "accord", *args],
            capture_output=True, text=True, env=self.env, timeout=300, check=False,
        )  # fmt: skip


def _sqlite_schema_copy(target: Path) -> None:
    # Same DDL and migration records as the test database, no rows: what `accord migrate`
    # makes, without running 150 migrations again in a loaded CI.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid"
        )
        ddl = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT app, name, CAST(applied AS TEXT) FROM django_migrations")
        applied = cursor.fetchall()
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(target, isolation_level=None)) as copy:
        copy.execute("BEGIN")  # one transaction: one sync instead of one per statement
        for statement in ddl:
            copy.execute(statement)
        copy.executemany(
            "INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, ?)", applied
        )
        copy.execute("COMMIT")


@pytest.fixture
def empty_database(db: Any, tmp_path: Path) -> Iterator[EmptyDatabase]:
    env = {**os.environ, "ACCORD_DATA_DIR": str(tmp_path / "second")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        _sqlite_schema_copy(tmp_path / "second" / "accord.sqlite3")
        yield EmptyDatabase(env=env)
        return
    import psycopg

    settings = connection.settings_dict
    name = f"accord_restore_{uuid.uuid4().hex[:10]}"
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        # The committed state of the test database is its migrated schema; the documented
        # pg_dump path carries it over.
        archive = tmp_path / "schema.dump"
        postgres_backup(target=archive)
        restored = subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={name}", str(archive)],
            capture_output=True, text=True, check=False,
            env={**os.environ, "PGHOST": server["host"], "PGPORT": str(server["port"]),
                 "PGUSER": server["user"], "PGPASSWORD": server["password"] or ""},
        )  # fmt: skip
        assert restored.returncode == 0, restored.stderr
        password = f":{server['password']}" if server["password"] else ""
        env["DATABASE_URL"] = (
            f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
        )
        env["ACCORD_DB_POOL"] = "false"
        yield EmptyDatabase(env=env)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _read(path: Path) -> dict[str, Any]:
    opener = gzip.open if path.read_bytes()[:2] == b"\x1f\x8b" else open
    with opener(path, "rb") as handle:
        document: dict[str, Any] = json.loads(handle.read())
    return document


def _tables(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {table["model"]: table for table in document["tables"]}


def _export(tmp_path: Path, slug: str, name: str = "export.json") -> Path:
    path = tmp_path / name
    call_command("export", workspace=slug, output=str(path), stdout=StringIO())
    return path


def _resign(path: Path, edit: Any) -> None:
    """Rewrite a file through `edit(lines)` and give it a correct checksum again, as a
    careless or malicious editor could."""
    lines = path.read_bytes().splitlines(keepends=True)
    body = edit(lines[:-1])
    digest = hashlib.sha256(b"".join(body)).hexdigest()
    path.write_bytes(b"".join(body) + f'"sha256": "{digest}"}}\n'.encode())


def _row_counts() -> dict[str, int]:
    return {plan.label: plan.model._base_manager.count() for plan in export_plan()}


def _fill_what_the_demo_leaves_empty(workspace: Workspace) -> None:
    """One row in each table the demo leaves empty, so the round trip covers every table."""
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount, SocialApp

    from accord.api.models import ApiToken
    from accord.goals.models import GoalSettings, MetricDefinition, WorkspaceTension
    from accord.governance.models import GovernanceSettings
    from accord.network.models import NetworkSettings
    from accord.org.models import ImportBatch
    from accord.sso.models import SsoDomain, WorkspaceSignInPolicy, WorkspaceSso
    from accord.surveys.models import SurveySettings
    from accord.workspaces.models import Invitation, Membership

    membership = Membership.objects.filter(workspace=workspace, role="owner").first()
    assert membership is not None
    owner = membership.user
    later = timezone.now() + datetime.timedelta(days=7)
    for settings_model in (GoalSettings, GovernanceSettings, NetworkSettings, SurveySettings):
        settings_model.objects.get_or_create(workspace=workspace)
    WorkspaceSignInPolicy.objects.get_or_create(workspace=workspace, require_mfa=True)
    MetricDefinition.objects.create(
        workspace=workspace, key="nps-partner", name="Partner NPS", unit="points",
        good_direction="increase", category="customer satisfaction",
    )  # fmt: skip
    WorkspaceTension.objects.create(
        workspace=workspace, metric_a="discount rate", a_direction="increase",
        metric_b="gross margin", b_direction="increase", explanation="Discounts cut margin.",
    )  # fmt: skip
    ImportBatch.objects.create(
        workspace=workspace, created_by=owner, filename="people.csv", file_format="csv",
        expires_at=later,
    )  # fmt: skip
    Invitation.objects.create(
        workspace=workspace, email="new@brightwater.example", token_hash="a" * 64,
        expires_at=later,
    )  # fmt: skip
    ApiToken.objects.create(
        workspace=workspace, membership=membership, name="ci", token_hash="b" * 64, hint="ab12"
    )
    app = SocialApp.objects.create(
        provider="openid_connect", provider_id=f"ws-{workspace.slug}", name="Okta",
        client_id="accord", secret="s3cret", settings={"server_url": "https://idp.test"},
    )  # fmt: skip
    sso = WorkspaceSso.objects.create(workspace=workspace, app=app)
    SsoDomain.objects.create(workspace=workspace, sso=sso, domain="brightwater.example")
    SocialAccount.objects.create(user=owner, provider=f"ws-{workspace.slug}", uid="00u1")
    Authenticator.objects.create(user=owner, type="totp", data={"secret": "JBSWY3DPEHPK3PXP"})
    # Link tables: tie the first rows of both sides together.
    for plan in export_plan():
        model = plan.model
        if (
            not model._meta.auto_created
            or plan.model._base_manager.filter(**{plan.path: workspace.pk}).exists()
        ):
            continue
        sides = [f for f in model._meta.concrete_fields if f.is_relation]
        ends = []
        for index, side in enumerate(sides):
            assert side.related_model is not None
            rows = side.related_model._base_manager.filter(workspace=workspace).order_by("pk")
            ends.append(rows[index if sides[0].related_model is sides[1].related_model else 0])
        model._base_manager.create(
            **{side.name: end for side, end in zip(sides, ends, strict=True)}
        )


def test_every_model_is_exported_or_deliberately_left_out() -> None:
    """Each model is either in the export plan or in the excluded list with its reason, and
    the plan lists a model only after every model it requires."""
    plans = export_plan()
    planned = {plan.label for plan in plans}
    for model in _concrete_models():
        assert (_label(model) in planned) != (_label(model) in EXCLUDED_MODELS), _label(model)
    position = {plan.model: index for index, plan in enumerate(plans)}
    for plan in plans:
        for field in plan.model._meta.concrete_fields:
            target = field.related_model
            if target is not None and not field.null and target is not plan.model:
                assert position[target] < position[plan.model], (plan.label, field.name)
    by_label = {plan.label: plan for plan in plans}
    assert by_label["surveys.answer"].path == "response__workspace"
    assert by_label["goals.goal_supports"].scope == "owned"
    assert by_label["accounts.user"].scope == "referenced"


def test_demo_workspace_round_trips_into_an_empty_database(
    tmp_path: Path, empty_database: EmptyDatabase
) -> None:
    """The demo workspace exported here, restored by `accord restore` into an empty database
    and exported from there again has the same rows, field values and relations in every
    table, and its members can still sign in with their passwords."""
    call_command("demo", stdout=StringIO())
    _fill_what_the_demo_leaves_empty(Workspace.objects.get(slug="brightwater"))
    first = _export(tmp_path, "brightwater", "first.json.gz")
    assert first.read_bytes()[:2] == b"\x1f\x8b"

    restored = empty_database.accord("restore", str(first))
    assert restored.returncode == 0, restored.stderr
    assert "Restored brightwater:" in restored.stdout
    second = tmp_path / "second.json"
    exported = empty_database.accord("export", "--workspace", "brightwater", "-o", str(second))
    assert exported.returncode == 0, exported.stderr

    before, after = _read(first), _read(second)
    assert after["counts"] == before["counts"]
    tables_before, tables_after = _tables(before), _tables(after)
    assert list(tables_after) == list(tables_before)
    for label, table in tables_before.items():
        assert tables_after[label]["fields"] == table["fields"], label
        assert tables_after[label]["rows"] == table["rows"], label
    # The comparison covers every table with at least one row.
    assert [label for label, count in before["counts"].items() if not count] == []
    # Responses come in the order of their random ids, which says nothing about who or when.
    response_ids = [row[0] for row in tables_before["surveys.response"]["rows"]]
    assert response_ids == sorted(response_ids)
    users = tables_after["accounts.user"]
    email, password = users["fields"].index("email"), users["fields"].index("password")
    owner = next(row for row in users["rows"] if row[email] == "owner@brightwater.example")
    assert check_password("accord-demo", owner[password]) is True

    again = empty_database.accord("restore", str(first))
    assert again.returncode != 0
    assert "already has a workspace with the slug 'brightwater'" in again.stderr


def test_restore_refuses_a_workspace_slug_that_exists_and_writes_nothing(
    acme: Any, tmp_path: Path
) -> None:
    """Restoring a workspace whose slug is taken names the slug and changes no row."""
    path = _export(tmp_path, "acme")
    before = _row_counts()
    with pytest.raises(CommandError, match="already has a workspace with the slug 'acme'"):
        call_command("restore", str(path), stdout=StringIO())
    assert _row_counts() == before


def test_restore_refuses_ids_that_exist_and_writes_nothing(acme: Any, tmp_path: Path) -> None:
    """Under a free slug, rows whose ids are already taken are refused by model and id."""
    path = _export(tmp_path, "acme")
    Workspace.objects.filter(pk=acme.workspace.pk).update(slug="acme-renamed")
    before = _row_counts()
    with pytest.raises(CommandError, match=rf"workspaces.workspace id={acme.workspace.pk} "):
        call_command("restore", str(path), stdout=StringIO())
    assert _row_counts() == before


def test_database_empty_check_refuses_any_existing_workspace(
    acme: Any, globex: Any, tmp_path: Path
) -> None:
    """--database-empty-check refuses when the database has any workspace or user."""
    path = _export(tmp_path, "acme")
    acme.workspace.delete()
    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", str(path), database_empty_check=True, stdout=StringIO())


def test_deleted_workspace_comes_back_and_shared_users_are_kept(acme: Any, tmp_path: Path) -> None:
    """A workspace deleted after its export is restored with every row, while its users,
    who still exist, are kept as they are; an export afterwards equals the first, and new
    rows get ids after the restored ones."""
    first = _export(tmp_path, "acme", "first.json")
    acme.workspace.delete()
    # Rewind the id counter, as in a fresh database, to see the restore move it on.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('org_function', 'id'), 1, false)")
        else:
            cursor.execute("UPDATE sqlite_sequence SET seq = 0 WHERE name = 'org_function'")
    out = StringIO()
    call_command("restore", str(first), stdout=out)
    assert "user rows were already present and were kept" in out.getvalue()
    second = _export(tmp_path, "acme", "second.json")
    assert _tables(_read(second)) == _tables(_read(first))
    workspace = Workspace.objects.get(slug="acme")
    fresh = Function.objects.create(workspace=workspace, name="Legal")
    assert fresh.pk > acme.finance.pk


def test_a_user_whose_id_now_belongs_to_someone_else_is_refused(acme: Any, tmp_path: Path) -> None:
    """A user row is kept only when the user with that id has the same email."""
    path = _export(tmp_path, "acme")
    acme.workspace.delete()
    acme.viewer.email = "someone-else@example.com"
    acme.viewer.save(update_fields=["email"])
    before = _row_counts()
    with pytest.raises(CommandError, match=rf"accounts.user id={acme.viewer.pk} already exists"):
        call_command("restore", str(path), stdout=StringIO())
    assert _row_counts() == before


def _cut_in_half(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _flip_a_byte(path: Path) -> None:
    content = bytearray(path.read_bytes())
    at = content.index(b"Alice Archer")
    content[at] = ord("E")
    path.write_bytes(bytes(content))


def _future_format(path: Path) -> None:
    def newer(lines: list[bytes]) -> list[bytes]:
        return [lines[0].replace(b'"format_version":1', b'"format_version":2'), *lines[1:]]

    _resign(path, newer)


def _not_an_export(path: Path) -> None:
    path.write_text('{"workspace": "acme"}\n')


@pytest.mark.parametrize(
    ("damage", "gzipped", "message"),
    [
        (_cut_in_half, False, "truncated"),
        (_cut_in_half, True, "truncated"),
        (_flip_a_byte, False, "checksum does not match"),
        (_future_format, False, "format version 2"),
        (_not_an_export, False, "not an Accord workspace export"),
    ],
)
def test_a_damaged_file_is_refused_and_nothing_is_written(
    acme: Any, tmp_path: Path, damage: Any, gzipped: bool, message: str
) -> None:
    """A truncated, altered, foreign or too new file is refused with the reason."""
    path = _export(tmp_path, "acme", "acme.json.gz" if gzipped else "acme.json")
    acme.workspace.delete()
    damage(path)
    before = _row_counts()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), stdout=StringIO())
    assert _row_counts() == before


def _edit_row(lines: list[bytes], model: str, edit: Any) -> list[bytes]:
    inside, edited = False, list(lines)
    for index, line in enumerate(lines):
        if line.startswith(b'{"model":'):
            inside = json.loads(line[: -len(b', "rows": [\n')] + b"}")["model"] == model
            fields = json.loads(line[: -len(b', "rows": [\n')] + b"}")["fields"]
        elif inside and line.startswith(b"["):
            comma = line.endswith(b",\n")
            row = json.loads(line.rstrip(b",\n"))
            edit(dict(zip(fields, range(len(fields)), strict=True)), row)
            edited[index] = json.dumps(row).encode() + (b",\n" if comma else b"\n")
            return edited
    raise AssertionError(f"no row of {model}")


def test_a_bad_value_is_refused_naming_the_model_row_and_field(acme: Any, tmp_path: Path) -> None:
    """A row with a value its field cannot hold is refused with line, model, id and field."""
    path = _export(tmp_path, "acme")
    acme.workspace.delete()

    def bad_date(columns: dict[str, int], row: list[Any]) -> None:
        row[columns["created_at"]] = "last tuesday"

    _resign(path, lambda lines: _edit_row(lines, "org.person", bad_date))
    before = _row_counts()
    with pytest.raises(CommandError, match=r"Line \d+: org.person id=\d+: field created_at"):
        call_command("restore", str(path), stdout=StringIO())
    assert _row_counts() == before


def test_a_relation_to_a_missing_row_is_refused(acme: Any, tmp_path: Path) -> None:
    """A row pointing at a row that is neither in the file nor in the database is refused
    before commit, and nothing is written."""
    path = _export(tmp_path, "acme")
    acme.workspace.delete()

    def dangling(columns: dict[str, int], row: list[Any]) -> None:
        row[columns["manager_id"]] = 987654

    _resign(path, lambda lines: _edit_row(lines, "org.person", dangling))
    before = _row_counts()
    with pytest.raises(CommandError, match="neither in the file nor in the database"):
        call_command("restore", str(path), stdout=StringIO())
    assert _row_counts() == before


def test_export_to_standard_output_is_the_same_document(
    acme: Any, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """`-o -` writes the same JSON document to standard output and reports on stderr."""
    path = _export(tmp_path, "acme")
    call_command("export", workspace="acme", output="-", stdout=StringIO(), stderr=StringIO())
    streamed = json.loads(capsysbinary.readouterr().out)
    assert _tables(streamed) == _tables(_read(path))


def test_survey_responses_stay_unlinked_in_the_export(acme: Any, tmp_path: Path) -> None:
    """Responses, answers and spent tokens are exported with exactly their own columns: none
    names a person, a user or an invitation."""
    tables = _tables(_read(_export(tmp_path, "acme")))
    for model in (Response, Answer, UsedToken):
        columns = tables[model._meta.label_lower]["fields"]
        assert columns == [f.attname for f in model._meta.concrete_fields]
        assert not {"person_id", "user_id", "invitation_id"} & set(columns)


def test_unknown_workspace_names_the_known_slugs(acme: Any, tmp_path: Path) -> None:
    """Exporting a slug that does not exist lists the slugs that do."""
    with pytest.raises(CommandError, match="Known slugs: acme"):
        call_command("export", workspace="nope", output=str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()
