"""Knowledge pages: home, expert finder (without JavaScript and with htmx), skills directory,
people, My expertise and admins' edits, resource libraries with safe links, learning
opportunities with sign-up from a card, roles, privacy, tenancy and query counts."""

import pytest
from django.urls import reverse

from accord.comms import knowledge_actions as actions
from accord.comms.models_knowledge import (
    ExpertiseTopic,
    LearningOpportunity,
    LearningSignup,
    Resource,
)
from accord.comms.tests.test_knowledge_actions import (
    extra_member,
    learning_make,
    member_add,
    partnership_make,
    person_for,
    resource_make,
)
from accord.org.actions import person_skills_set
from accord.org.models import Person, PersonSkill
from accord.org.tests.helpers import count_queries

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args, ws="acme"):
    return reverse(name, args=[ws, *args])


def world(tenant, people=3):
    """Skills, topics, a library and learning opportunities, `people` of each."""
    partnership = partnership_make(tenant, name=f"Quote to cash {Person.objects.count()}")
    for n in range(people):
        person = Person.objects.create(
            workspace=tenant.workspace,
            name=f"Expert {Person.objects.count():03d}",
            email=f"expert{Person.objects.count()}@{tenant.workspace.slug}.test",
            function=tenant.sales if n % 2 else tenant.finance,
        )
        person_skills_set(person=person, actor=None, skills={"SQL": 1 + n % 5, f"Skill {n}": 3})
        actions.expertise_set(
            membership=tenant.membership("admin"), person=person, topics=[f"SQL topic {n}"]
        )
        member_add(tenant, partnership, person, tenant.sales)
        resource_make(tenant, partnership, title=f"Resource {n}", tags=["sql", f"t{n}"])
        opportunity = learning_make(tenant, title=f"Opportunity {n}", host=person, capacity=3)
        actions.learning_signup(membership=tenant.membership("admin"), opportunity=opportunity)
    return partnership


# --- home and finder ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "member", "admin"])
def test_home_shows_figures_learning_resources_and_my_expertise(acme, login, role):
    me = person_for(acme, role, function=acme.sales)
    person_for(acme, "admin")
    world(acme)
    person_skills_set(person=me, actor=None, skills={"Negotiation": 4})
    response = login(acme.user(role)).get(url("knowledge_home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Find an expert" in body
    assert "Every function but mine (Sales)" in body
    assert "Opportunity 0" in body
    assert "Resource 2" in body
    assert "Negotiation" in body
    assert response.context["overview"].resources == 3


def test_home_query_count_does_not_grow(acme, login):
    person_for(acme, "admin")
    client = login(acme.member)
    person_for(acme, "member", function=acme.sales)
    world(acme, people=1)
    small, _ = count_queries(client, url("knowledge_home"))
    world(acme, people=12)
    large, _ = count_queries(client, url("knowledge_home"))
    assert small == large


def test_expert_finder_works_as_a_plain_get_form(acme, login):
    person_skills_set(person=acme.bob, actor=None, skills={"Pricing analysis": 5})
    person_for(acme, "member", function=acme.sales)
    response = login(acme.member).get(url("knowledge_experts"), {"q": "pric", "function": "others"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert "Bob Baker" in body
    assert "Pricing analysis" in body
    assert "mailto:bob@acme.test" in body
    assert 'value="others" selected' in body


def test_expert_finder_answers_htmx_with_only_the_results(acme, login):
    person_skills_set(person=acme.alice, actor=None, skills={"Negotiation": 4})
    response = login(acme.viewer).get(url("knowledge_experts"), {"q": "NEGOT"}, **HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="expert-results"' in body
    assert "Alice Archer" in body
    assert response["Vary"] == "Cookie, HX-Request" or "HX-Request" in response["Vary"]


def test_expert_finder_without_a_query_suggests_popular_skills(acme, login):
    person_skills_set(person=acme.alice, actor=None, skills={"Negotiation": 4})
    body = login(acme.viewer).get(url("knowledge_experts")).content.decode()
    assert "Search for a skill or a topic" in body
    assert "Negotiation" in body


def test_expert_finder_query_count_does_not_grow(acme, login):
    person_for(acme, "admin")
    client = login(acme.member)
    person_for(acme, "member", function=acme.sales)
    world(acme, people=2)
    small, first = count_queries(client, url("knowledge_experts") + "?q=sql&function=others")
    world(acme, people=20)
    large, response = count_queries(client, url("knowledge_experts") + "?q=sql&function=others")
    assert len(response.context["results"]) > len(first.context["results"])
    assert small == large


def test_skills_directory_and_people_pages_show_counts_and_expertise(acme, login):
    person_for(acme, "admin")
    world(acme, people=4)
    client = login(acme.viewer)
    body = client.get(url("knowledge_skills")).content.decode()
    assert "SQL" in body
    assert "Finance <span" in body
    assert "level 1: 1; level 2: 1; level 3: 1; level 4: 1; level 5: 0" in body
    body = client.get(url("knowledge_skills"), {"q": "skill 1"}, **HTMX).content.decode()
    assert "Skill 1" in body
    assert "<html" not in body
    body = client.get(url("knowledge_people"), {"q": "sql topic 2"}).content.decode()
    assert "SQL topic 2" in body
    assert "SQL topic 1" not in body


@pytest.mark.parametrize("name", ["knowledge_skills", "knowledge_people"])
def test_directory_query_counts_do_not_grow(acme, login, name):
    person_for(acme, "admin")
    client = login(acme.viewer)
    world(acme, people=2)
    small, _ = count_queries(client, url(name))
    world(acme, people=15)
    large, _ = count_queries(client, url(name))
    assert small == large


def test_a_person_page_shows_skills_topics_and_hosted_learning(acme, login):
    person_skills_set(person=acme.bob, actor=None, skills={"Month-end close": 5})
    ExpertiseTopic.objects.create(workspace=acme.workspace, person=acme.bob, topic="Accruals")
    learning_make(acme, host=acme.bob, title="Shadow the close")
    body = login(acme.viewer).get(url("knowledge_person", acme.bob.uuid)).content.decode()
    assert "Month-end close" in body
    assert "Accruals" in body
    assert "Shadow the close" in body
    assert "Edit their expertise" not in body


def test_another_workspaces_person_is_404(acme, globex, login):
    client = login(acme.admin)
    assert client.get(url("knowledge_person", globex.bob.uuid)).status_code == 404
    assert client.get(url("knowledge_person_edit", globex.bob.uuid)).status_code == 404


# --- My expertise ---------------------------------------------------------------------------


def _expertise_post(rows, topics, version, **extra):
    data = {
        "skills-TOTAL_FORMS": str(len(rows)),
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "1000",
        "topics": topics,
        "expected_version": str(version),
        **extra,
    }
    for index, (name, level, remove) in enumerate(rows):
        data[f"skills-{index}-name"] = name
        data[f"skills-{index}-proficiency"] = str(level)
        if remove:
            data[f"skills-{index}-DELETE"] = "on"
    return data


def test_a_member_edits_their_skills_and_topics_on_my_expertise(acme, login):
    me = person_for(acme, "member")
    person_skills_set(person=me, actor=None, skills={"Copywriting": 2, "SEO": 3})
    me.refresh_from_db()
    client = login(acme.member)
    page = client.get(url("knowledge_me"))
    assert page.status_code == 200
    assert 'value="Copywriting"' in page.content.decode()
    response = client.post(
        url("knowledge_me"),
        _expertise_post(
            [
                ("Copywriting", 4, False),
                ("SEO", 3, True),
                ("Brand voice", 3, False),
                ("", 3, False),
            ],
            "Launch checklists\nBrand voice, Tone of voice",
            me.version,
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url("knowledge_person", me.uuid)
    assert dict(
        PersonSkill.objects.filter(person=me).values_list("skill__name", "proficiency")
    ) == {
        "Copywriting": 4,
        "Brand voice": 3,
    }
    assert sorted(ExpertiseTopic.objects.filter(person=me).values_list("topic", flat=True)) == [
        "Brand voice",
        "Launch checklists",
        "Tone of voice",
    ]


def test_a_repeated_skill_re_renders_with_the_input_kept(acme, login):
    me = person_for(acme, "member")
    response = login(acme.member).post(
        url("knowledge_me"),
        _expertise_post([("SQL", 3, False), ("sql", 4, False)], "Data", me.version),
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "sql is listed twice" in body
    assert 'value="SQL"' in body
    assert not PersonSkill.objects.filter(person=me).exists()


def test_a_stale_my_expertise_save_is_a_409_keeping_input(acme, login):
    me = person_for(acme, "member")
    response = login(acme.member).post(
        url("knowledge_me"), _expertise_post([("SQL", 3, False)], "Data", me.version - 1 + 5)
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed" in body
    assert 'value="SQL"' in body


def test_a_login_without_a_person_is_told_to_ask_an_admin(acme, login):
    body = login(acme.member).get(url("knowledge_me")).content.decode()
    assert "Your login is not linked to a person" in body


def test_viewers_see_their_own_page_instead_of_the_form(acme, login):
    me = person_for(acme, "viewer")
    response = login(acme.viewer).get(url("knowledge_me"))
    assert response.status_code == 302
    assert response["Location"] == url("knowledge_person", me.uuid)


def test_admins_edit_anyones_expertise_and_members_cannot(acme, login):
    person_for(acme, "member")
    assert login(acme.member).get(url("knowledge_person_edit", acme.alice.uuid)).status_code == 403
    client = login(acme.admin)
    response = client.post(
        url("knowledge_person_edit", acme.alice.uuid),
        _expertise_post([("Negotiation", 5, False)], "Retail buyers", acme.alice.version),
    )
    assert response.status_code == 302
    assert PersonSkill.objects.get(person=acme.alice).proficiency == 5


# --- resources ------------------------------------------------------------------------------


def test_resource_list_filters_by_partnership_tag_kind_and_search(acme, login):
    quote = partnership_make(acme)
    margin = partnership_make(acme, name="Margin recovery")
    resource_make(acme, quote, title="Order-to-cash playbook", kind="playbook", tags=["process"])
    resource_make(acme, margin, title="Margin dashboard", tags=["dashboard", "margin"])
    resource_make(acme, margin, title="Freight note", kind="note", url="", note="Freight is ours")
    client = login(acme.viewer)

    def titles(**params):
        response = client.get(url("knowledge_resources"), params)
        return [r.title for r in response.context["resources"]]

    assert titles() == ["Freight note", "Margin dashboard", "Order-to-cash playbook"]
    assert titles(partnership=margin.slug) == ["Freight note", "Margin dashboard"]
    assert titles(tag="Dashboard") == ["Margin dashboard"]
    assert titles(kind="playbook") == ["Order-to-cash playbook"]
    assert titles(q="freight") == ["Freight note"]
    scoped = client.get(url("knowledge_partnership_resources", quote.slug))
    assert [r.title for r in scoped.context["resources"]] == ["Order-to-cash playbook"]
    assert "Quote to cash library" in scoped.content.decode()
    partial = client.get(url("knowledge_resources"), {"q": "margin"}, **HTMX).content.decode()
    assert "<html" not in partial
    assert 'id="resource-results"' in partial


def test_resource_list_query_count_does_not_grow(acme, login):
    person_for(acme, "member")
    client = login(acme.member)
    partnership = partnership_make(acme)
    member_add(acme, partnership, person_for(acme, "member"))
    resource_make(acme, partnership, role="member")
    small, _ = count_queries(client, url("knowledge_resources"))
    for n in range(15):
        other = partnership_make(acme, name=f"P{n}")
        member_add(acme, other, person_for(acme, "member"))
        resource_make(acme, other, title=f"R{n}", tags=["a", f"b{n}"])
    large, response = count_queries(client, url("knowledge_resources"))
    assert len(response.context["resources"]) == 16
    assert all(r.can_edit for r in response.context["resources"])
    assert small == large


def test_a_partnership_member_adds_a_resource_and_lands_on_the_library(acme, login):
    partnership = partnership_make(acme)
    member_add(acme, partnership, person_for(acme, "member"))
    client = login(acme.member)
    form = client.get(url("knowledge_resource_create") + f"?partnership={partnership.slug}")
    assert f'value="{partnership.slug}" selected' in form.content.decode()
    response = client.post(
        url("knowledge_resource_create"),
        {
            "partnership": partnership.slug,
            "kind": "template",
            "title": "Deal review template",
            "url": "https://drive.example.com/deal-review.xlsx",
            "note": "",
            "tags": "Pricing, template",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("knowledge_partnership_resources", partnership.slug)
    resource = Resource.objects.get()
    assert resource.tags == ["pricing", "template"]
    assert resource.added_by == person_for(acme, "member")


def test_a_javascript_link_is_refused_with_a_clear_message_and_input_kept(acme, login):
    partnership = partnership_make(acme)
    response = login(acme.admin).post(
        url("knowledge_resource_create"),
        {
            "partnership": partnership.slug,
            "kind": "link",
            "title": "Totally safe",
            "url": "javascript:alert(document.cookie)",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Only web links starting with http:// or https:// are allowed" in body
    assert "“javascript:” addresses are refused" in body
    assert 'value="Totally safe"' in body
    assert not Resource.objects.exists()


def test_only_partnerships_i_can_add_to_are_offered(acme, login):
    mine = partnership_make(acme)
    partnership_make(acme, name="Not mine")
    member_add(acme, mine, person_for(acme, "member"))
    form = login(acme.member).get(url("knowledge_resource_create"))
    choices = list(form.context["form"].fields["partnership"].queryset)
    assert choices == [mine]


def test_titles_and_notes_are_escaped(acme, login):
    partnership = partnership_make(acme)
    resource = resource_make(
        acme,
        partnership,
        title="<script>alert(1)</script>",
        kind="note",
        url="",
        note="<img src=x onerror=alert(1)>",
    )
    client = login(acme.viewer)
    for page in (url("knowledge_resources"), url("knowledge_resource_detail", resource.uuid)):
        body = client.get(page).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "<img src=x" not in body
        assert "&lt;script&gt;" in body


def test_edit_and_delete_follow_who_may(acme, login):
    partnership = partnership_make(acme)
    resource = resource_make(acme, partnership)
    person_for(acme, "member")
    client = login(acme.member)
    assert client.get(url("knowledge_resource_edit", resource.uuid)).status_code == 403
    assert client.post(url("knowledge_resource_delete", resource.uuid)).status_code == 403
    member_add(acme, partnership, person_for(acme, "member"))
    response = client.post(
        url("knowledge_resource_edit", resource.uuid),
        {
            "partnership": partnership.slug,
            "kind": "link",
            "title": "Discount playbook (2026)",
            "url": resource.url,
            "tags": "",
            "expected_version": resource.version,
        },
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Discount playbook (2026)"
    assert client.post(url("knowledge_resource_delete", resource.uuid)).status_code == 403
    response = login(acme.admin).post(url("knowledge_resource_delete", resource.uuid))
    assert response.status_code == 302
    assert not Resource.objects.exists()


def test_a_stale_resource_edit_is_a_409(acme, login):
    partnership = partnership_make(acme)
    resource = resource_make(acme, partnership)
    response = login(acme.admin).post(
        url("knowledge_resource_edit", resource.uuid),
        {
            "partnership": partnership.slug,
            "kind": "link",
            "title": "Mine",
            "url": resource.url,
            "expected_version": resource.version + 1,
        },
    )
    assert response.status_code == 409
    assert "Someone else saved" in response.content.decode()


def test_private_and_foreign_resources_are_404(acme, globex, login):
    private = partnership_make(acme, name="Secret", privacy="members")
    hidden = resource_make(acme, private)
    person_for(acme, "member")
    client = login(acme.member)
    assert client.get(url("knowledge_resource_detail", hidden.uuid)).status_code == 404
    assert client.get(url("knowledge_partnership_resources", private.slug)).status_code == 404
    assert client.get(url("knowledge_resources")).context["resources"] == []
    foreign = resource_make(globex, partnership_make(globex))
    admin = login(acme.admin)
    assert admin.get(url("knowledge_resource_detail", foreign.uuid)).status_code == 404
    assert admin.post(url("knowledge_resource_delete", foreign.uuid)).status_code == 404


def test_viewers_cannot_open_the_add_form(acme, login):
    assert login(acme.viewer).get(url("knowledge_resource_create")).status_code == 403


# --- learning -------------------------------------------------------------------------------


def test_learning_list_puts_open_first_then_full_then_closed(acme, login):
    closed = learning_make(acme, title="Closed one", capacity=1)
    actions.learning_close(membership=acme.membership("admin"), opportunity=closed)
    full = learning_make(acme, title="Full one", capacity=1)
    person_for(acme, "member")
    actions.learning_signup(membership=acme.membership("member"), opportunity=full)
    learning_make(acme, title="Open one")
    response = login(acme.viewer).get(url("knowledge_learning"))
    assert [o.title for o in response.context["opportunities"]] == [
        "Open one",
        "Full one",
        "Closed one",
    ]


def test_learning_list_query_count_does_not_grow(acme, login):
    person_for(acme, "admin")
    client = login(acme.member)
    person_for(acme, "member")
    world(acme, people=1)
    small, _ = count_queries(client, url("knowledge_learning"))
    world(acme, people=14)
    large, response = count_queries(client, url("knowledge_learning"))
    assert len(response.context["opportunities"]) == 15
    assert small == large


def test_signing_up_from_a_card_with_htmx_returns_the_card(acme, login):
    opportunity = learning_make(acme, capacity=1)
    person_for(acme, "member")
    client = login(acme.member)
    response = client.post(
        url("knowledge_learning_signup", opportunity.uuid), {"from": "card"}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="learning-{opportunity.uuid}"' in body
    assert "You&#x27;re signed up" in body or "You're signed up" in body
    assert "Full" in body
    assert LearningSignup.objects.count() == 1
    response = client.post(
        url("knowledge_learning_withdraw", opportunity.uuid), {"from": "card"}, **HTMX
    )
    assert "Sign up" in response.content.decode()
    assert not LearningSignup.objects.exists()


def test_signing_up_without_javascript_redirects_with_a_message(acme, login):
    opportunity = learning_make(acme, capacity=2)
    person_for(acme, "member")
    client = login(acme.member)
    response = client.post(
        url("knowledge_learning_signup", opportunity.uuid), {"note": "Any Monday"}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("knowledge_learning_detail", opportunity.uuid)
    body = response.content.decode()
    assert "You are signed up for" in body
    assert "Any Monday" in body
    again = client.post(url("knowledge_learning_signup", opportunity.uuid), follow=True)
    assert "already signed up" in again.content.decode()


def test_the_host_sees_who_signed_up_and_others_do_not(acme, login):
    host_membership, host = extra_member(acme, "Hana Host")
    opportunity = learning_make(acme, host=host, capacity=3)
    person_for(acme, "member", name="Mia Member")
    actions.learning_signup(
        membership=acme.membership("member"), opportunity=opportunity, note="Keen"
    )
    _other, _ = extra_member(acme, "Olly Other")
    client = login(host_membership.user)
    body = client.get(url("knowledge_learning_detail", opportunity.uuid)).content.decode()
    assert "Who signed up" in body
    assert "Mia Member" in body
    viewer_body = (
        login(acme.viewer).get(url("knowledge_learning_detail", opportunity.uuid)).content.decode()
    )
    assert "Who signed up" not in viewer_body
    assert "Mia Member" not in viewer_body
    assert "1 of 3 taken" in viewer_body


def test_the_host_removes_a_signup_and_closes_and_reopens(acme, login):
    host_membership, host = extra_member(acme, "Hana Host")
    opportunity = learning_make(acme, host=host, capacity=3)
    person_for(acme, "member")
    signup = actions.learning_signup(membership=acme.membership("member"), opportunity=opportunity)
    client = login(host_membership.user)
    client.post(url("knowledge_learning_status", opportunity.uuid), {"move": "close"})
    opportunity.refresh_from_db()
    assert opportunity.status == LearningOpportunity.Status.CLOSED
    client.post(url("knowledge_learning_status", opportunity.uuid), {"move": "reopen"})
    opportunity.refresh_from_db()
    assert opportunity.status == LearningOpportunity.Status.OPEN
    response = client.post(url("knowledge_learning_signup_remove", opportunity.uuid, signup.uuid))
    assert response.status_code == 302
    assert not LearningSignup.objects.exists()
    assert (
        login(acme.member)
        .post(url("knowledge_learning_status", opportunity.uuid), {"move": "close"})
        .status_code
        == 403
    )


def test_offering_an_opportunity_makes_me_the_host(acme, login):
    me = person_for(acme, "member", function=acme.sales)
    client = login(acme.member)
    form = client.get(url("knowledge_learning_create"))
    assert list(form.context["form"].fields["host"].queryset) == [me]
    response = client.post(
        url("knowledge_learning_create"),
        {
            "kind": "mentoring",
            "title": "Negotiation mentoring",
            "host": str(me.uuid),
            "capacity": "2",
            "starts_on": "2026-06-01",
            "ends_on": "2026-05-01",
        },
    )
    assert response.status_code == 422
    assert "The end date must be on or after the start date." in response.content.decode()
    response = client.post(
        url("knowledge_learning_create"),
        {
            "kind": "mentoring",
            "title": "Negotiation mentoring",
            "host": str(me.uuid),
            "capacity": "2",
        },
    )
    opportunity = LearningOpportunity.objects.get()
    assert response["Location"] == url("knowledge_learning_detail", opportunity.uuid)
    assert opportunity.host == me


def test_a_host_edit_keeps_capacity_above_places_taken(acme, login):
    host_membership, host = extra_member(acme, "Hana Host")
    opportunity = learning_make(acme, host=host, capacity=2)
    person_for(acme, "member")
    actions.learning_signup(membership=acme.membership("member"), opportunity=opportunity)
    opportunity.refresh_from_db()
    response = login(host_membership.user).post(
        url("knowledge_learning_edit", opportunity.uuid),
        {
            "kind": opportunity.kind,
            "title": opportunity.title,
            "host": str(host.uuid),
            "capacity": "1",
            "expected_version": str(opportunity.version),
        },
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == LearningOpportunity.Status.FULL


def test_learning_of_a_private_partnership_and_another_workspace_is_404(acme, globex, login):
    private = partnership_make(acme, name="Secret", privacy="members")
    hidden = learning_make(acme, partnership=private)
    foreign = learning_make(globex)
    person_for(acme, "member")
    client = login(acme.member)
    assert client.get(url("knowledge_learning_detail", hidden.uuid)).status_code == 404
    assert client.post(url("knowledge_learning_signup", hidden.uuid)).status_code == 404
    assert client.get(url("knowledge_learning_detail", foreign.uuid)).status_code == 404
    assert client.get(url("knowledge_learning")).context["opportunities"] == []


def test_viewers_cannot_sign_up_or_offer(acme, login):
    opportunity = learning_make(acme)
    client = login(acme.viewer)
    assert client.post(url("knowledge_learning_signup", opportunity.uuid)).status_code == 403
    assert client.get(url("knowledge_learning_create")).status_code == 403
