"""Function profile writes: who may write one, validation against the metric catalog, busy
windows, ranked priorities (add, move, remove, replace), reviews, the stale nudge and the
comparison of a partnership's functions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.comms import profile_actions as actions
from accord.comms import profile_selectors as selectors
from accord.comms.models_profiles import FunctionPriority, FunctionProfile
from accord.comms.tasks_plan import profiles_stale_remind
from accord.comms.tests.test_plan_actions import partnership_make, person_for
from accord.notifications.models import Event, Notification
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def lead_of(tenant, function, role="member"):
    person = person_for(tenant, role, f"{function.name} Lead")
    function.lead = person
    function.save(update_fields=["lead"])
    return person


def profile_make(tenant, function, role="admin", **fields) -> FunctionProfile:
    return actions.profile_save(membership=tenant.membership(role), function=function, **fields)


def messages_of(error: ValidationError) -> dict[str, str]:
    return {field: " ".join(texts) for field, texts in error.message_dict.items()}


def test_the_function_lead_writes_the_profile_and_saving_counts_as_a_review(acme):
    lead = lead_of(acme, acme.finance)
    profile = profile_make(
        acme,
        acme.finance,
        role="member",
        mission="Keep the books right and the cash flowing.",
        owned_kpis=["gross_margin", "days_sales_outstanding", "gross_margin"],
        planning_cycle="quarterly",
        preferred_channels=["email_list", "shared_doc"],
        response_time_hours=48,
    )
    assert profile.owned_kpis == ["gross_margin", "days_sales_outstanding"]
    assert profile.reviewed_by == lead
    assert profile.reviewed_at is not None
    assert selectors.profile_is_stale(profile) is False
    entry = AuditEntry.objects.get(object_uuid=profile.uuid)
    assert entry.action == "create"


def test_only_the_lead_and_admins_may_write_a_profile(acme):
    lead_of(acme, acme.sales, role="viewer")
    for role in ("member", "viewer"):
        with pytest.raises(PermissionDenied):
            profile_make(acme, acme.sales, role=role, mission="x")
    assert profile_make(acme, acme.sales, role="admin", mission="x").mission == "x"


def test_unknown_kpis_channels_and_bad_response_times_are_named(acme):
    with pytest.raises(ValidationError) as caught:
        profile_make(
            acme,
            acme.sales,
            owned_kpis=["win_rate", "happiness_index"],
            preferred_channels=["carrier_pigeon"],
            response_time_hours=0,
            planning_cycle="whenever",
        )
    errors = messages_of(caught.value)
    assert "happiness_index" in errors["owned_kpis"]
    assert "carrier_pigeon" in errors["preferred_channels"]
    assert "from 1 to 720" in errors["response_time_hours"]
    assert "planning_cycle" in errors
    assert not FunctionProfile.objects.exists()


def test_busy_windows_are_cleaned_and_checked(acme):
    profile = profile_make(
        acme,
        acme.finance,
        busy_windows=[{"label": " Month-end close ", "months": [], "day_from": 1, "day_to": 6}],
    )
    assert profile.busy_windows == [
        {"label": "Month-end close", "months": [], "day_from": 1, "day_to": 6}
    ]
    with pytest.raises(ValidationError) as caught:
        profile_make(acme, acme.finance, busy_windows=[{"label": "x", "months": [13]}])
    assert "months are 1 (Jan) to 12 (Dec)" in messages_of(caught.value)["busy_windows"]
    with pytest.raises(ValidationError) as caught:
        profile_make(acme, acme.finance, busy_windows=[{"label": "x", "day_from": 20, "day_to": 3}])
    assert "no later than the last" in messages_of(caught.value)["busy_windows"]


def test_editing_with_a_stale_version_is_refused(acme):
    profile = profile_make(acme, acme.sales, mission="One")
    profile_make(acme, acme.sales, mission="Two", expected_version=profile.version)
    with pytest.raises(actions.StaleVersion):
        profile_make(acme, acme.sales, mission="Three", expected_version=profile.version)


def test_priorities_are_added_at_the_bottom_moved_and_renumbered(acme):
    profile = profile_make(acme, acme.sales)
    admin = acme.membership("admin")
    one = actions.priority_add(membership=admin, profile=profile, title="Bookings")
    two = actions.priority_add(
        membership=admin, profile=profile, title="Margin", metric_key="gross_margin"
    )
    three = actions.priority_add(membership=admin, profile=profile, title="Churn")
    actions.priority_move(membership=admin, priority=three, direction="up")
    assert three.rank == 2
    assert list(profile.priorities.values_list("title", flat=True)) == [
        "Bookings",
        "Churn",
        "Margin",
    ]
    actions.priority_move(membership=admin, priority=one, direction="up")  # already first
    actions.priority_delete(membership=admin, priority=FunctionPriority.objects.get(pk=three.pk))
    assert list(profile.priorities.values_list("rank", "title")) == [(1, "Bookings"), (2, "Margin")]
    assert two.metric_key == "gross_margin"
    profile.refresh_from_db()
    assert profile.version == 6  # one claim per change
    changes = AuditEntry.objects.filter(object_uuid=profile.uuid).values_list("changes", flat=True)
    assert any(
        c.get("priorities") == [["Bookings", "Margin", "Churn"], ["Bookings", "Churn", "Margin"]]
        for c in changes
    )


def test_a_priority_needs_a_title_and_a_known_metric(acme):
    profile = profile_make(acme, acme.sales)
    with pytest.raises(ValidationError) as caught:
        actions.priority_add(
            membership=acme.membership("admin"), profile=profile, title=" ", metric_key="nope"
        )
    assert set(messages_of(caught.value)) == {"title", "metric_key"}


def test_replacing_the_ranking_keeps_the_order_given(acme):
    profile = profile_make(acme, acme.sales)
    rows = actions.priorities_replace(
        membership=acme.membership("admin"),
        profile=profile,
        priorities=[{"title": "Margin"}, {"title": "Bookings", "detail": "Quarter target"}],
        expected_version=profile.version,
    )
    assert [(r.rank, r.title) for r in rows] == [(1, "Margin"), (2, "Bookings")]
    with pytest.raises(ValidationError) as caught:
        actions.priorities_replace(
            membership=acme.membership("admin"), profile=profile, priorities=[{"title": ""}]
        )
    assert "priorities.0.title" in caught.value.message_dict


def test_mark_reviewed_needs_a_profile_and_the_right(acme):
    with pytest.raises(ValidationError):
        actions.profile_review(membership=acme.membership("admin"), function=acme.sales)
    profile = profile_make(acme, acme.sales)
    FunctionProfile.objects.filter(pk=profile.pk).update(
        reviewed_at=timezone.now() - datetime.timedelta(days=200)
    )
    profile.refresh_from_db()
    assert selectors.profile_is_stale(profile) is True
    with pytest.raises(PermissionDenied):
        actions.profile_review(membership=acme.membership("member"), function=acme.sales)
    reviewed = actions.profile_review(membership=acme.membership("admin"), function=acme.sales)
    assert selectors.profile_is_stale(reviewed) is False


def test_stale_profiles_nudge_the_lead_once_every_thirty_days(acme):
    lead = lead_of(acme, acme.finance)
    profile = profile_make(acme, acme.finance)
    reviewed = timezone.localdate() - datetime.timedelta(days=100)
    FunctionProfile.objects.filter(pk=profile.pk).update(
        reviewed_at=timezone.make_aware(datetime.datetime.combine(reviewed, datetime.time(9)))
    )
    today = timezone.localdate()
    assert profiles_stale_remind.call(today=today.isoformat()) == 1
    assert profiles_stale_remind.call(today=today.isoformat()) == 0
    later = today + datetime.timedelta(days=10)
    assert profiles_stale_remind.call(today=later.isoformat()) == 0
    month = today + datetime.timedelta(days=30)
    assert profiles_stale_remind.call(today=month.isoformat()) == 1
    nudges = Notification.objects.filter(event=Event.PROFILE_STALE)
    assert {n.recipient for n in nudges} == {lead}
    assert nudges.first().url == f"/w/acme/communication/profiles/{acme.finance.uuid}/"
    # Sales has no lead: nobody to nudge.
    assert acme.sales.lead is None


def test_a_fresh_profile_is_not_nudged(acme):
    lead_of(acme, acme.finance)
    profile_make(acme, acme.finance)
    assert profiles_stale_remind.call(today=timezone.localdate().isoformat()) == 0


def test_the_partnership_comparison_uses_catalog_tensions_and_the_plans_channels(acme):
    partnership = partnership_make(acme)
    profile_make(
        acme,
        acme.sales,
        planning_cycle="monthly",
        preferred_channels=["chat"],
        response_time_hours=4,
        owned_kpis=["discount_rate"],
    )
    profile_make(
        acme,
        acme.finance,
        planning_cycle="quarterly",
        preferred_channels=["email_list"],
        response_time_hours=48,
        owned_kpis=["gross_margin"],
    )
    view = selectors.partnership_profile_comparison(
        partnership=partnership, plan_channel_kinds={"chat"}
    )
    assert [c.function.name for c in view.chosen] == ["Finance", "Sales"]
    kinds = {d.kind for d in view.comparison.differences}
    assert kinds == {"priorities", "planning", "channels", "response"}
    titles = [d.title for d in view.comparison.differences]
    assert "Priorities pull apart: Average discount vs Gross margin" in titles
    assert "The plan uses none of Finance’s preferred channels" in titles


def test_choosing_functions_to_compare_ignores_unknown_ids_and_lists_missing_profiles(acme):
    partnership = partnership_make(acme)
    profile_make(acme, acme.sales)
    view = selectors.partnership_profile_comparison(
        partnership=partnership, compare=[str(acme.sales.uuid), "not-a-uuid"]
    )
    assert [c.function for c in view.chosen] == [acme.sales]
    assert view.comparison is None
    everyone = selectors.partnership_profile_comparison(partnership=partnership)
    assert everyone.without_profile == [acme.finance]
