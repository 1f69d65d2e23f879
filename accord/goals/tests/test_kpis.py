"""KPIs and measurements: upserts are idempotent, CSV imports are previewed and write nothing
while a row is bad (unless the user picks the valid rows), anomaly flags and the roll-up."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.goals import actions, selectors
from accord.goals.importing import measurements_parse
from accord.goals.models import Kpi, Measurement
from accord.goals.rows import MeasurementRow
from accord.goals.tests.helpers import kpi_make, measurements_add, partnership_make, person_for
from accord.partnerships.models import Privacy

GOOD_CSV = "date,value,note\n2026-01-05,31,kick-off\n2026-01-12,33,\n2026-01-19,35.5,\n"
BAD_CSV = "date,value\n2026-01-05,31\n05/01/2026,32\n2026-01-19,lots\n2026-01-26,36\n"


def test_kpi_fields_come_from_the_catalog(acme):
    kpi = actions.kpi_create(
        membership=acme.membership("admin"),
        partnership=partnership_make(acme),
        metric_key="revenue",
        target=1_000_000,
    )
    assert (kpi.name, kpi.category, kpi.direction) == ("Revenue", "revenue growth", "increase")


def test_a_partnership_tracks_a_metric_once(acme):
    partnership = partnership_make(acme)
    kpi_make(acme, partnership)
    with pytest.raises(ValidationError) as caught:
        actions.kpi_create(
            membership=acme.membership("admin"),
            partnership=partnership,
            metric_key="NET_PROMOTER_SCORE",
            name="NPS",
            direction="increase",
            category="customer satisfaction",
        )
    assert "already tracks" in caught.value.message_dict["metric_key"][0]


def test_only_managers_define_kpis(acme):
    partnership = partnership_make(acme, members=(person_for(acme, "member"),))
    with pytest.raises(PermissionDenied):
        actions.kpi_create(
            membership=acme.membership("member"), partnership=partnership, metric_key="revenue"
        )
    assert not Kpi.objects.exists()


def test_measurement_upsert_is_idempotent(acme):
    kpi = kpi_make(acme, partnership_make(acme))
    rows = [MeasurementRow(date(2026, 1, 5), 31), MeasurementRow(date(2026, 1, 12), 33)]
    membership = acme.membership("admin")
    first = actions.measurement_upsert_many(membership=membership, kpi=kpi, rows=rows)
    second = actions.measurement_upsert_many(membership=membership, kpi=kpi, rows=rows)
    assert first == {"created": 2, "updated": 0, "unchanged": 0}
    assert second == {"created": 0, "updated": 0, "unchanged": 2}
    changed = actions.measurement_upsert_many(
        membership=membership, kpi=kpi, rows=[MeasurementRow(date(2026, 1, 12), 34)]
    )
    assert changed == {"created": 0, "updated": 1, "unchanged": 0}
    assert Measurement.objects.get(date=date(2026, 1, 12)).value == 34


def test_parsing_lists_every_bad_row_with_its_line_number():
    parsed = measurements_parse(BAD_CSV, today=date(2026, 3, 1))
    assert [p.line for p in parsed.rejected] == [3, 4]
    assert "YYYY-MM-DD" in parsed.rejected[0].reasons[0]
    assert "Enter a number" in parsed.rejected[1].reasons[0]
    assert [r.value for r in parsed.valid] == [31, 36]


def test_a_file_without_the_columns_is_refused():
    assert (
        "date and value"
        in measurements_parse("when,amount\n1,2\n", today=date(2026, 3, 1)).file_error
    )


def test_import_with_bad_rows_writes_nothing_unless_valid_rows_are_chosen(acme):
    kpi = kpi_make(acme, partnership_make(acme))
    membership = acme.membership("admin")
    with pytest.raises(ValidationError):
        actions.kpi_import_apply(membership=membership, kpi=kpi, text=BAD_CSV)
    assert not Measurement.objects.exists()
    result = actions.kpi_import_apply(membership=membership, kpi=kpi, text=BAD_CSV, valid_only=True)
    assert result == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 2}


def test_import_pages_preview_then_apply_idempotently(acme, login):
    kpi = kpi_make(acme, partnership_make(acme))
    client = login(acme.admin)
    url = f"/w/acme/goals/kpis/{kpi.uuid}/import/"
    upload = SimpleUploadedFile("nps.csv", GOOD_CSV.encode(), content_type="text/csv")
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200
    assert preview.context["preview"]["counts"]["create"] == 3
    assert not Measurement.objects.exists()
    text = preview.context["apply_form"].initial["text"]
    applied = client.post(url + "apply/", {"text": text, "mode": "all"})
    assert applied.status_code == 302
    assert Measurement.objects.count() == 3
    again = client.post(url, {"file": SimpleUploadedFile("nps.csv", GOOD_CSV.encode())})
    assert again.context["preview"]["counts"] == {
        "create": 0,
        "update": 0,
        "unchanged": 3,
        "reject": 0,
    }
    client.post(url + "apply/", {"text": text, "mode": "all"})
    assert Measurement.objects.count() == 3


def test_import_preview_shows_bad_rows_with_line_numbers(acme, login):
    kpi = kpi_make(acme, partnership_make(acme))
    response = login(acme.admin).post(
        f"/w/acme/goals/kpis/{kpi.uuid}/import/",
        {"file": SimpleUploadedFile("bad.csv", BAD_CSV.encode())},
    )
    body = response.content.decode()
    assert "Rows that cannot be imported" in body
    assert "valid row" in body


def test_kpi_page_flags_anomalies_and_adds_measurements(acme, login):
    kpi = kpi_make(acme, partnership_make(acme))
    measurements_add(kpi, [30, 31, 30, 29, 30, 31, 30, 60], start=date(2026, 1, 5))
    client = login(acme.admin)
    page = client.get(f"/w/acme/goals/kpis/{kpi.uuid}/")
    assert page.status_code == 200
    assert page.context["anomaly_count"] >= 1
    assert page.context["chart"]["anomalies"][0]["at"][1] == 60
    bad = client.post(
        f"/w/acme/goals/kpis/{kpi.uuid}/measurements/", {"date": "2026-02-28", "value": "x"}
    )
    assert bad.status_code == 422
    assert "Enter a number, e.g. 42 or 17.5" in bad.content.decode()
    ok = client.post(
        f"/w/acme/goals/kpis/{kpi.uuid}/measurements/", {"date": "2026-02-28", "value": "33"}
    )
    assert ok.status_code == 302
    assert Measurement.objects.filter(kpi=kpi).count() == 9


def test_kpi_list_and_rollup(acme, login):
    partnership = partnership_make(acme)
    nps = kpi_make(acme, partnership)
    measurements_add(nps, [45], start=date(2026, 1, 5))
    cost = kpi_make(
        acme,
        partnership,
        metric_key="cost_per_lead",
        name="Cost per lead",
        direction="decrease",
        category="efficiency",
        target=50,
    )
    measurements_add(cost, [80], start=date(2026, 1, 5))
    rollup = {c.category: c for c in selectors.kpi_rollup(membership=acme.membership("viewer"))}
    assert rollup["customer satisfaction"].share == 1
    assert rollup["efficiency"].share == 0
    client = login(acme.viewer)
    assert "Net Promoter Score" in client.get("/w/acme/goals/kpis/").content.decode()
    assert "Customer satisfaction" in client.get("/w/acme/goals/kpis/rollup/").content.decode()


def test_private_partnership_kpis_are_hidden(acme, login):
    kpi = kpi_make(acme, partnership_make(acme, "Secret", privacy=Privacy.MEMBERS))
    client = login(acme.member)
    assert client.get(f"/w/acme/goals/kpis/{kpi.uuid}/").status_code == 404
    assert selectors.kpi_rollup(membership=acme.membership("member"))[1].kpis == 0


def test_kpi_pages_of_another_workspace_are_404(acme, globex, login):
    kpi = kpi_make(acme, partnership_make(acme))
    client = login(globex.owner)
    assert client.get(f"/w/globex/goals/kpis/{kpi.uuid}/").status_code == 404
    assert (
        client.post(
            f"/w/globex/goals/kpis/{kpi.uuid}/measurements/", {"date": "2026-01-01", "value": "1"}
        ).status_code
        == 404
    )
