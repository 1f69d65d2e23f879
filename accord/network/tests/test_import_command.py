"""`accord network import FILE --workspace WS` imports an export with a progress bar."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accord.network.models import Interaction, NetworkImport
from accord.network.tests.fixtures.exports import FIXTURES, slack_zip


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("network", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_progress_and_a_summary(acme):
    out, err = _run("import", str(FIXTURES / "events.csv"), "--workspace", "acme")
    assert "[########################] 100/100" in err
    assert (
        "Imported 4 events: 5 interactions added, 0 already imported, 2 between known people" in out
    )
    assert "1 identities are not matched to anyone: carol@acme.test" in out
    assert NetworkImport.objects.get().status == "done"
    again, _ = _run("import", str(FIXTURES / "events.csv"), "--workspace", "acme")
    assert "imported before" in again
    assert Interaction.objects.count() == 5


def test_import_json_with_a_source(acme, tmp_path):
    export = tmp_path / "export.bin"
    export.write_bytes(slack_zip())
    out, err = _run("import", str(export), "--workspace", "acme", "--source", "slack", "--json")
    answer = json.loads(out)
    assert err == ""
    assert (answer["status"], answer["source"], answer["counted"]) == ("done", "slack", 2)
    assert answer["unmatched_identities"] == ["UCAROL"]


def test_import_errors_are_command_errors(acme, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,sender,recipients\nnot a date,a@x.test,b@x.test\n")
    with pytest.raises(CommandError, match=r"Row 1 .*column timestamp"):
        _run("import", str(bad), "--workspace", "acme")
    assert NetworkImport.objects.get().status == "failed"
    assert not Interaction.objects.exists()
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n")
    with pytest.raises(CommandError, match="missing the columns"):
        _run("import", str(wrong), "--workspace", "acme")
    with pytest.raises(CommandError, match="No workspace 'nowhere'"):
        _run("import", str(bad), "--workspace", "nowhere")
    with pytest.raises(CommandError, match="no such file"):
        _run("import", str(tmp_path / "missing.csv"), "--workspace", "acme")
