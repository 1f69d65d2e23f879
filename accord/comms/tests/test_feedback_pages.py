"""Feedback pages: the boxes, giving feedback with guidance and field-named errors, the
feedback page with reply (htmx) and acted-on, sharing and withdrawing, privacy towards admins,
the balance shown only to its owner, escaping, tenancy and query counts."""

import pytest
from django.urls import reverse

from accord.comms.models import Feedback
from accord.comms.tests.test_feedback_actions import SECRET, give, person_for
from accord.org.tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def url(name, *args, ws="acme"):
    return reverse(name, args=[ws, *args])


def test_the_form_shows_guidance_and_the_three_kinds_of_subject(acme, login):
    person_for(acme, "member")
    body = login(acme.member).get(url("feedback_create")).content.decode()
    assert "Feedback that helps" in body
    assert "Describe behaviour, not character" in body
    assert '<optgroup label="People">' in body
    assert '<optgroup label="Functions">' in body
    assert '<optgroup label="Partnerships">' in body
    assert f'value="person:{acme.alice.uuid}"' in body
    assert "Member Person (no function)" not in body  # not to yourself


def test_missing_fields_re_render_with_messages_naming_them_and_input_kept(acme, login):
    person_for(acme, "member")
    response = login(acme.member).post(
        url("feedback_create"), {"to": "", "situation": "At the QBR", "visibility": "private"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Please fix 3 problems below." in body
    assert "Choose one person, function or partnership" in body
    assert "Describe what the person or team did or said" in body
    assert "Say what it changed for you" in body
    assert "At the QBR" in body
    assert not Feedback.objects.exists()


def test_giving_feedback_redirects_to_it_and_the_receiver_sees_it_received(acme, login):
    person_for(acme, "member", name="Mia Member")
    receiver = person_for(acme, "viewer", name="Vic Viewer")
    response = login(acme.member).post(
        url("feedback_create"),
        {
            "to": f"person:{receiver.uuid}",
            "situation": "In the Monday stand-up",
            "behaviour": "You summarised the blockers in two sentences",
            "impact": "We finished ten minutes early",
            "request": "Keep doing it",
            "visibility": "private",
        },
    )
    feedback = Feedback.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("feedback_detail", feedback.uuid)
    received = login(acme.viewer).get(url("feedback_list")).content.decode()
    assert "You summarised the blockers" in received
    assert "Mia Member" in received


def test_a_private_feedback_page_is_404_for_admins_and_the_owner(acme, login):
    person_for(acme, "member")
    feedback = give(acme, to_person=acme.alice)
    for role in ("admin", "owner"):
        assert login(acme.user(role)).get(url("feedback_detail", feedback.uuid)).status_code == 404
        listing = login(acme.user(role)).get(url("feedback_list"), {"box": "shared"})
        assert SECRET not in listing.content.decode()


def test_the_audit_log_page_does_not_show_private_feedback(acme, login):
    person_for(acme, "member")
    give(acme, to_person=acme.alice)
    body = login(acme.owner).get(url("audit_log")).content.decode()
    assert SECRET not in body
    assert "Alice Archer" not in body.split("Feedback")[-1][:400]


def test_the_receiver_replies_with_htmx_and_marks_it_acted_on(acme, login):
    person_for(acme, "member")
    receiver = person_for(acme, "admin", name="Ada Admin")
    feedback = give(acme, to_person=receiver)
    client = login(acme.admin)
    page = client.get(url("feedback_detail", feedback.uuid)).content.decode()
    assert "Send reply" in page
    response = client.post(
        url("feedback_reply", feedback.uuid),
        {"reply": "Thanks — I will hold my answers.", "expected_version": feedback.version},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" aria-labelledby="reply-title"')
    assert "Thanks — I will hold my answers." in body
    assert "Update reply" in body
    client.post(url("feedback_acted_on", feedback.uuid), {"acted_on": "1"})
    feedback.refresh_from_db()
    assert feedback.acted_on_at is not None
    assert "Acted on" in client.get(url("feedback_detail", feedback.uuid)).content.decode()


def test_the_giver_cannot_reply_and_sees_share_and_withdraw(acme, login):
    person_for(acme, "member")
    feedback = give(acme, to_person=acme.alice)
    client = login(acme.member)
    page = client.get(url("feedback_detail", feedback.uuid)).content.decode()
    assert "Send reply" not in page
    assert "Share openly" in page
    assert client.post(url("feedback_reply", feedback.uuid), {"reply": "x"}).status_code == 403
    client.post(url("feedback_visibility", feedback.uuid), {"visibility": "shared"})
    assert Feedback.objects.get().visibility == "shared"
    response = client.post(url("feedback_delete", feedback.uuid))
    assert response["Location"] == url("feedback_list") + "?box=given"
    assert not Feedback.objects.exists()


def test_the_balance_is_shown_only_to_its_owner(acme, login):
    person_for(acme, "member")
    person_for(acme, "admin")
    give(acme, to_person=acme.alice)
    mine = login(acme.member).get(url("feedback_list")).content.decode()
    assert "Your balance" in mine
    assert "Only you see this" in mine
    context = login(acme.member).get(url("feedback_list")).context
    assert context["balance"].given == 1
    assert login(acme.admin).get(url("feedback_list")).context["balance"].given == 0


def test_text_is_escaped(acme, login):
    person_for(acme, "member")
    feedback = give(acme, to_person=acme.alice, behaviour="<script>alert(1)</script>")
    body = login(acme.member).get(url("feedback_detail", feedback.uuid)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_another_workspace_gets_404(acme, globex, login):
    person_for(acme, "member")
    feedback = give(acme, to_person=acme.alice, visibility="shared")
    client = login(globex.owner)
    assert client.get(url("feedback_detail", feedback.uuid, ws="globex")).status_code == 404
    assert client.get(url("feedback_detail", feedback.uuid)).status_code == 404


def test_viewers_cannot_open_the_form(acme, login):
    assert login(acme.viewer).get(url("feedback_create")).status_code == 403


@pytest.mark.parametrize("box", ["received", "given", "shared"])
def test_list_query_count_does_not_grow(acme, login, box):
    me = person_for(acme, "member", function=acme.sales)
    other = person_for(acme, "admin", function=acme.finance)
    acme.sales.lead = me
    acme.sales.save()
    client = login(acme.member)
    give(acme, to_person=other, visibility="shared")
    give(acme, role="admin", to_person=me, visibility="shared")
    small, _ = count_queries(client, url("feedback_list"), data={"box": box})
    for index in range(12):
        give(acme, to_person=other, visibility="shared", situation=f"S{index}")
        give(acme, role="admin", to_person=me, visibility="shared", situation=f"T{index}")
        give(acme, role="admin", to_function=acme.sales, visibility="shared")
    large, response = count_queries(client, url("feedback_list"), data={"box": box})
    assert len(response.context["feedback_rows"]) > 2
    assert small == large
