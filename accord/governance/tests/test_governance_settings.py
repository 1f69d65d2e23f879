from django.urls import reverse

from accord.governance.models import GovernanceSettings
from accord.governance.raci_selectors import governance_settings_get


def test_admin_changes_the_thresholds_and_it_is_audited(acme, login):
    """An admin saves new caps; they are stored and recorded in the audit trail."""
    client = login(acme.admin)
    response = client.post(
        reverse("governance_settings", args=["acme"]),
        {"raci_load_cap": 3, "raci_max_consulted": 2, "conflict_stale_days": 7},
    )
    assert response.status_code == 302
    saved = governance_settings_get(workspace=acme.workspace)
    assert (saved.raci_load_cap, saved.raci_max_consulted, saved.conflict_stale_days) == (3, 2, 7)
    from accord.workspaces.models import AuditEntry

    assert AuditEntry.objects.filter(object_uuid=saved.uuid).exists()


def test_out_of_range_values_are_refused_with_the_range(acme, login):
    """A cap of 0 is refused on its field with the allowed range; nothing is saved."""
    response = login(acme.admin).post(
        reverse("governance_settings", args=["acme"]),
        {"raci_load_cap": 0, "raci_max_consulted": 4, "conflict_stale_days": 14},
    )
    assert response.status_code == 422
    assert b"Use 1 to 50 active deliverables as A or R." in response.content
    assert not GovernanceSettings.objects.filter(workspace=acme.workspace).exists()


def test_members_read_but_cannot_change(acme, login):
    """Members see the thresholds (defaults here); a change from them is 403."""
    client = login(acme.member)
    page = client.get(reverse("governance_settings", args=["acme"]))
    assert page.status_code == 200
    assert b"RACI row" in page.content
    assert page.context["form"].initial["raci_load_cap"] == 5
    denied = client.post(
        reverse("governance_settings", args=["acme"]),
        {"raci_load_cap": 9, "raci_max_consulted": 4, "conflict_stale_days": 14},
    )
    assert denied.status_code == 403


def test_other_workspace_cannot_reach_the_page(acme, globex, login):
    """Globex users get 404 on acme's settings."""
    assert login(globex.admin).get(reverse("governance_settings", args=["acme"])).status_code == 404
