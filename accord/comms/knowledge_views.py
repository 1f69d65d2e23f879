"""Knowledge pages: the home, the expert finder, the skills directory, people's expertise
(and "My expertise"), resource libraries per partnership and learning opportunities."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accord.comms import knowledge_actions as actions
from accord.comms import knowledge_selectors as selectors
from accord.comms.knowledge_forms import (
    LearningForm,
    ResourceForm,
    SignupForm,
    TopicsForm,
    skill_formset,
)
from accord.comms.models_knowledge import LearningOpportunity, Resource
from accord.goals.permissions import person_ids_of
from accord.org.models import Function, Person
from accord.partnerships.selectors import partnership_get
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list

PEOPLE_PAGE = 50
RESOURCE_PAGE = 50
LEARNING_PAGE = 50
EXPERT_PAGE = 25


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _uuid_or_none(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def _int_in(value: str | None, low: int, high: int, default: int) -> int:
    try:
        number = int(value or default)
    except ValueError:
        return default
    return min(max(number, low), high)


def _next_url(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def _query_without_page(params: QueryDict) -> str:
    query = params.copy()
    query.pop("page", None)
    return f"{query.urlencode()}&" if query else ""


def _function_of(request: HttpRequest, value: str | None) -> Function | None:
    found = _uuid_or_none(value)
    if not found:
        return None
    return (
        selectors.function_choices(workspace=_membership(request).workspace)
        .filter(uuid=found)
        .first()
    )


def _url(name: str, request: HttpRequest, *args: Any) -> str:
    return reverse(name, args=[_membership(request).workspace.slug, *args])


# --- home -----------------------------------------------------------------------------------


@login_required
@workspace_view("viewer")
def knowledge_home(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    me = selectors.my_person(membership=membership)
    my_skills, my_topics = selectors.person_expertise(person=me) if me else ([], [])
    directory = selectors.skill_directory(workspace=membership.workspace)
    return render(
        request,
        "comms/knowledge_home.html",
        {
            "section": "home",
            "overview": selectors.knowledge_overview(membership=membership),
            "top_skills": directory[:8],
            "open_learning": list(
                selectors.learning_list(
                    membership=membership,
                    filters=selectors.LearningFilters(status=LearningOpportunity.Status.OPEN),
                )[:4]
            ),
            "recent_resources": list(
                selectors.resource_list(membership=membership).order_by("-created_at", "-pk")[:5]
            ),
            "me": me,
            "my_skills": my_skills[:6],
            "my_topics": my_topics,
            "my_signups": list(selectors.my_signups(membership=membership)),
            "others_label": _others_label(me),
        },
    )


def _others_label(me: Person | None) -> str:
    if me is None or me.function is None:
        return ""
    return f"Every function but mine ({me.function.name})"


# --- expert finder --------------------------------------------------------------------------


@login_required
@workspace_view("viewer")
def knowledge_experts(request: HttpRequest) -> HttpResponse:
    """Search skills and topics; the GET form works without JavaScript, htmx refreshes only
    the results while typing."""
    membership = _membership(request)
    params = request.GET
    query = params.get("q", "").strip()[:200]
    function = params.get("function", "")
    if function != selectors.OTHER_FUNCTIONS:
        function = _uuid_or_none(function) or ""
    minimum = _int_in(params.get("min"), 1, 5, 1)
    search = selectors.expert_search(
        membership=membership,
        query=query,
        function=function,
        min_proficiency=minimum,
    )
    page = Paginator(search.results, EXPERT_PAGE).get_page(params.get("page"))
    context: dict[str, Any] = {
        "section": "experts",
        "query": query,
        "function": function,
        "minimum": minimum,
        "search": search,
        "results": list(page),
        "page_obj": page,
        "query_without_page": _query_without_page(params),
        "me_ids": person_ids_of(membership),
    }
    if _is_htmx(request):
        template = "comms/knowledge_experts.html#results"
    else:
        template = "comms/knowledge_experts.html"
        context["functions"] = list(selectors.function_choices(workspace=membership.workspace))
        context["others_label"] = (
            f"Every function but mine ({search.my_function.name})" if search.my_function else ""
        )
        context["levels"] = list(selectors.PROFICIENCY_LABELS.items())
        if not query:
            context["suggestions"] = [
                s.skill.name for s in selectors.skill_directory(workspace=membership.workspace)[:12]
            ]
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- skills directory and people ------------------------------------------------------------


@login_required
@workspace_view("viewer")
def knowledge_skills(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    search = request.GET.get("q", "").strip()[:80]
    function = _function_of(request, request.GET.get("function"))
    rows = selectors.skill_directory(
        workspace=membership.workspace, search=search, function=function
    )
    context: dict[str, Any] = {
        "section": "skills",
        "skills": rows,
        "search": search,
        "function": function,
        "filtered": bool(search or function),
        "functions": list(selectors.function_choices(workspace=membership.workspace)),
    }
    template = "comms/knowledge_skills.html"
    if _is_htmx(request):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@workspace_view("viewer")
def knowledge_people(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    search = request.GET.get("q", "").strip()[:80]
    function = _function_of(request, request.GET.get("function"))
    people = selectors.people_directory(
        workspace=membership.workspace, search=search, function=function
    )
    page = Paginator(people, PEOPLE_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "section": "people",
        "people": list(page),
        "page_obj": page,
        "query_without_page": _query_without_page(request.GET),
        "search": search,
        "function": function,
        "filtered": bool(search or function),
        "functions": list(selectors.function_choices(workspace=membership.workspace)),
    }
    template = "comms/knowledge_people.html"
    if _is_htmx(request):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@workspace_view("viewer")
def knowledge_person(request: HttpRequest, person: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.person_get(membership=membership, uuid=person)
    skills, topics = selectors.person_expertise(person=found)
    hosted = list(selectors.learning_list(membership=membership).filter(host=found)[:10])
    return render(
        request,
        "comms/knowledge_person.html",
        {
            "section": "people",
            "person": found,
            "skills": skills,
            "topics": topics,
            "hosted": hosted,
            "can_edit": selectors.expertise_can_edit(membership=membership, person=found),
            "is_me": found.pk in person_ids_of(membership),
        },
    )


def _expertise_page(
    request: HttpRequest, person: Person, *, is_me: bool, fallback: str
) -> HttpResponse:
    """The edit form of a person's skills and topics (My expertise, or an admin's edit)."""
    membership = _membership(request)
    if not selectors.expertise_can_edit(membership=membership, person=person):
        raise PermissionDenied(
            "You can change your own skills and topics; admins can change anyone's."
        )
    skills, topics = selectors.person_expertise(person=person)
    extra = _int_in(request.GET.get("rows"), 1, 20, 3)
    status = 200
    if request.method == "POST":
        formset = skill_formset(request.POST)
        form = TopicsForm(request.POST)
        if formset.is_valid() and form.is_valid():
            wanted = formset.skills()
            if not any(f.errors for f in formset.forms):
                try:
                    actions.expertise_set(
                        membership=membership,
                        person=person,
                        skills=wanted,
                        topics=form.topic_list(),
                        expected_version=form.cleaned_data["expected_version"],
                    )
                except actions.StaleVersion:
                    data = request.POST.copy()
                    person.refresh_from_db(fields=["version"])
                    data["expected_version"] = str(person.version)
                    form = TopicsForm(data)
                    form.is_valid()
                    form.add_error(
                        None,
                        "Someone else changed these skills or topics while you were editing. "
                        "Your version is below and not saved yet; save again to keep it.",
                    )
                    status = 409
                except ValidationError as error:
                    _expertise_errors(form, formset, error)
                    status = 422
                else:
                    messages.success(
                        request,
                        "Saved your skills and topics."
                        if is_me
                        else f"Saved {person.name}'s skills and topics.",
                    )
                    return redirect(_next_url(request, fallback))
            else:
                status = 422
        else:
            status = 422
    else:
        formset = skill_formset(skills=skills, extra=extra)
        form = TopicsForm(
            initial={
                "topics": "\n".join(t.topic for t in topics),
                "expected_version": person.version,
            }
        )
    return render(
        request,
        "comms/knowledge_expertise_form.html",
        {
            "section": "me" if is_me else "people",
            "person": person,
            "is_me": is_me,
            "formset": formset,
            "form": form,
            "more_rows": extra + 3,
            "skill_names": list(
                selectors.skill_catalog(workspace=membership.workspace).values_list(
                    "name", flat=True
                )
            ),
            "cancel_url": fallback,
        },
        status=status,
    )


def _expertise_errors(form: TopicsForm, formset: Any, error: ValidationError) -> None:
    """Skill errors go above the skills table, topic errors under the topics field."""
    for field, texts in error.message_dict.items():
        for text in texts:
            if field == "topics":
                form.add_error("topics", text)
            else:
                formset._non_form_errors = formset.error_class([*formset.non_form_errors(), text])


@login_required
@workspace_view("viewer")
def knowledge_me(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    me = selectors.my_person(membership=membership)
    if me is None:
        return render(
            request, "comms/knowledge_expertise_form.html", {"section": "me", "person": None}
        )
    if not membership.can_edit:
        return redirect("knowledge_person", membership.workspace.slug, me.uuid)
    return _expertise_page(
        request, me, is_me=True, fallback=_url("knowledge_person", request, me.uuid)
    )


@login_required
@workspace_view("member")
def knowledge_person_edit(request: HttpRequest, person: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.person_get(membership=membership, uuid=person)
    is_me = found.pk in person_ids_of(membership)
    return _expertise_page(
        request, found, is_me=is_me, fallback=_url("knowledge_person", request, found.uuid)
    )


# --- resources ------------------------------------------------------------------------------


def _resource_filters(params: QueryDict, partnership: str | None) -> selectors.ResourceFilters:
    kind = params.get("kind", "")
    tag = params.get("tag", "").strip().lower()[:40]
    return selectors.ResourceFilters(
        partnership=partnership,
        kind=kind if kind in Resource.Kind.values else None,
        tag=tag or None,
        search=params.get("q", "").strip()[:100],
    )


def _resource_list_page(request: HttpRequest, partnership_slug: str | None) -> HttpResponse:
    membership = _membership(request)
    partnership = (
        partnership_get(membership=membership, slug=partnership_slug) if partnership_slug else None
    )
    filters = _resource_filters(request.GET, partnership.slug if partnership else None)
    rows = selectors.resource_list(membership=membership, filters=filters)
    page = Paginator(rows, RESOURCE_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "section": "resources",
        "partnership": partnership,
        "resources": selectors.resource_rows(membership=membership, resources=page),
        "page_obj": page,
        "query_without_page": _query_without_page(request.GET),
        "filters": filters,
        "filtered": filters.any(),
        "list_url": (
            _url("knowledge_partnership_resources", request, partnership.slug)
            if partnership
            else _url("knowledge_resources", request)
        ),
        "can_add": (
            selectors.resource_can_add(membership=membership, partnership=partnership)
            if partnership
            else bool(selectors.resource_partnership_create_choices(membership=membership))
        ),
    }
    if _is_htmx(request):
        template = "comms/knowledge_resources.html#results"
    else:
        template = "comms/knowledge_resources.html"
        scope = selectors.resource_list(
            membership=membership,
            filters=selectors.ResourceFilters(
                partnership=partnership.slug if partnership else None
            ),
        )
        tags = selectors.resource_tags(resources=scope)[:30]
        if filters.tag and filters.tag not in {tag for tag, _count in tags}:
            tags.append((filters.tag, 0))
        context["tags"] = tags
        context["kinds"] = Resource.Kind.choices
        context["partnerships"] = list(
            selectors.resource_partnership_choices(membership=membership)
        )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@workspace_view("viewer")
def knowledge_resources(request: HttpRequest) -> HttpResponse:
    """Every library the member can see, or one with ?partnership=<slug>."""
    slug = request.GET.get("partnership", "").strip()[:60] or None
    return _resource_list_page(request, slug)


@login_required
@workspace_view("viewer")
def knowledge_partnership_resources(request: HttpRequest, partnership: str) -> HttpResponse:
    return _resource_list_page(request, partnership)


@login_required
@workspace_view("viewer")
def knowledge_resource_detail(request: HttpRequest, resource: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.resource_get(membership=membership, uuid=resource)
    (row,) = selectors.resource_rows(membership=membership, resources=[found])
    return render(
        request,
        "comms/knowledge_resource_detail.html",
        {
            "section": "resources",
            "resource": row,
            "history": list(audit_list(workspace=membership.workspace, instance=found, limit=50)),
        },
    )


@login_required
@workspace_view("member")
def knowledge_resource_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if request.method != "POST":
        initial: dict[str, Any] = {"kind": request.GET.get("kind") or Resource.Kind.LINK}
        slug = request.GET.get("partnership", "").strip()[:60]
        if slug:
            initial["partnership"] = slug
        form = ResourceForm(initial=initial, membership=membership)
        return render(request, "comms/knowledge_resource_form.html", _resource_form_context(form))
    form = ResourceForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            created = actions.resource_create(membership=membership, **form.resource_fields())
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("partnership", str(denied))
        else:
            messages.success(
                request, f"Added “{created.title}” to the {created.partnership.name} library."
            )
            return redirect(
                _next_url(
                    request,
                    _url("knowledge_partnership_resources", request, created.partnership.slug),
                )
            )
    return render(
        request, "comms/knowledge_resource_form.html", _resource_form_context(form), status=422
    )


def _resource_form_context(form: ResourceForm, resource: Any = None) -> dict[str, Any]:
    return {"section": "resources", "form": form, "resource": resource}


@login_required
@workspace_view("member")
def knowledge_resource_edit(request: HttpRequest, resource: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.resource_get(membership=membership, uuid=resource)
    (row,) = selectors.resource_rows(membership=membership, resources=[found])
    if not row.can_edit:  # type: ignore[attr-defined]
        raise PermissionDenied(
            "Only members of this partnership, its lead and sponsor, and workspace admins can "
            "change its resources."
        )
    if request.method != "POST":
        form = ResourceForm(
            initial=ResourceForm.initial_for(found), membership=membership, resource=found
        )
        return render(
            request, "comms/knowledge_resource_form.html", _resource_form_context(form, row)
        )
    form = ResourceForm(request.POST, membership=membership, resource=found)
    status = 422
    if form.is_valid():
        try:
            actions.resource_update(
                membership=membership,
                resource=found,
                expected_version=form.cleaned_data["expected_version"],
                **form.resource_fields(),
            )
        except actions.StaleVersion:
            fresh = selectors.resource_get(membership=membership, uuid=resource)
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = ResourceForm(data, membership=membership, resource=fresh)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else saved “{fresh.title}” while you were editing. Your changes are "
                "below and not saved yet; save again to keep them, or cancel to keep theirs.",
            )
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error("partnership", str(denied))
        else:
            messages.success(request, f"Saved “{found.title}”.")
            return redirect(_url("knowledge_resource_detail", request, found.uuid))
    return render(
        request,
        "comms/knowledge_resource_form.html",
        _resource_form_context(form, row),
        status=status,
    )


@login_required
@require_POST
@workspace_view("member")
def knowledge_resource_delete(request: HttpRequest, resource: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.resource_get(membership=membership, uuid=resource)
    title, slug = found.title, found.partnership.slug
    actions.resource_delete(membership=membership, resource=found)
    messages.success(request, f"Deleted “{title}”.")
    return redirect(_next_url(request, _url("knowledge_partnership_resources", request, slug)))


# --- learning -------------------------------------------------------------------------------


def _learning_filters(params: QueryDict) -> selectors.LearningFilters:
    kind = params.get("kind", "")
    status = params.get("status", "")
    return selectors.LearningFilters(
        kind=kind if kind in LearningOpportunity.Kind.values else None,
        status=status if status in LearningOpportunity.Status.values else None,
        function=_uuid_or_none(params.get("function")),
        partnership=params.get("partnership", "").strip()[:60] or None,
        mine=params.get("mine") in {"1", "on", "true"},
        search=params.get("q", "").strip()[:100],
    )


def _learning_rows(membership: Membership, rows: Any) -> list[LearningOpportunity]:
    """Opportunities with what the member may do with each (no query per row)."""
    found = list(rows)
    for row in found:
        row.can_manage = selectors.learning_can_manage(membership=membership, opportunity=row)
        row.can_sign_up = not row.signed_up and selectors.learning_can_sign_up(
            membership=membership, opportunity=row
        )
        row.places_left = max(row.capacity - row.signup_count, 0)
    return found


@login_required
@workspace_view("viewer")
def knowledge_learning(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    filters = _learning_filters(request.GET)
    rows = selectors.learning_list(membership=membership, filters=filters)
    page = Paginator(rows, LEARNING_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "section": "learning",
        "opportunities": _learning_rows(membership, page),
        "page_obj": page,
        "query_without_page": _query_without_page(request.GET),
        "filters": filters,
        "filtered": filters.any(),
        "can_create": membership.can_edit,
        "linked": bool(person_ids_of(membership)),
        "next_url": request.get_full_path(),
    }
    if _is_htmx(request):
        template = "comms/knowledge_learning.html#results"
    else:
        template = "comms/knowledge_learning.html"
        context["kinds"] = LearningOpportunity.Kind.choices
        context["statuses"] = LearningOpportunity.Status.choices
        context["functions"] = list(selectors.function_choices(workspace=membership.workspace))
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _learning_detail_context(
    request: HttpRequest, opportunity: LearningOpportunity, signup_form: SignupForm | None = None
) -> dict[str, Any]:
    membership = _membership(request)
    (row,) = _learning_rows(membership, [opportunity])
    signups = list(selectors.learning_signup_list(membership=membership, opportunity=opportunity))
    people = person_ids_of(membership)
    return {
        "section": "learning",
        "opportunity": row,
        "signups": signups,
        "my_signup": next((s for s in signups if s.person_id in people), None),
        "signup_form": signup_form or SignupForm(),
        "linked": bool(people),
        "history": list(audit_list(workspace=membership.workspace, instance=opportunity, limit=30))
        if row.can_manage  # type: ignore[attr-defined]
        else [],
    }


@login_required
@workspace_view("viewer")
def knowledge_learning_detail(request: HttpRequest, opportunity: uuid.UUID) -> HttpResponse:
    found = selectors.learning_get(membership=_membership(request), uuid=opportunity)
    return render(
        request,
        "comms/knowledge_learning_detail.html",
        _learning_detail_context(request, found),
    )


@login_required
@workspace_view("member")
def knowledge_learning_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if request.method != "POST":
        me = selectors.my_person(membership=membership)
        initial: dict[str, Any] = {"capacity": 1, "kind": request.GET.get("kind") or ""}
        if me is not None:
            initial["host"] = me.uuid
            if me.function is not None:
                initial["function"] = me.function.uuid
        slug = request.GET.get("partnership", "").strip()[:60]
        if slug:
            initial["partnership"] = slug
        form = LearningForm(initial=initial, membership=membership)
        return render(
            request,
            "comms/knowledge_learning_form.html",
            {"section": "learning", "form": form, "linked": me is not None},
        )
    form = LearningForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            created = actions.learning_create(membership=membership, **form.learning_fields())
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, f"Offered “{created.title}”.")
            return redirect(_url("knowledge_learning_detail", request, created.uuid))
    return render(
        request,
        "comms/knowledge_learning_form.html",
        {"section": "learning", "form": form, "linked": True},
        status=422,
    )


@login_required
@workspace_view("member")
def knowledge_learning_edit(request: HttpRequest, opportunity: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.learning_get(membership=membership, uuid=opportunity)
    if not selectors.learning_can_manage(membership=membership, opportunity=found):
        raise PermissionDenied("Only the host and workspace admins can change this opportunity.")
    context: dict[str, Any] = {"section": "learning", "opportunity": found, "linked": True}
    if request.method != "POST":
        context["form"] = LearningForm(
            initial=LearningForm.initial_for(found), membership=membership
        )
        return render(request, "comms/knowledge_learning_form.html", context)
    form = LearningForm(request.POST, membership=membership)
    status = 422
    if form.is_valid():
        try:
            actions.learning_update(
                membership=membership,
                opportunity=found,
                expected_version=form.cleaned_data["expected_version"],
                **form.learning_fields(),
            )
        except actions.StaleVersion:
            fresh = selectors.learning_get(membership=membership, uuid=opportunity)
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = LearningForm(data, membership=membership)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else changed “{fresh.title}” while you were editing (perhaps a "
                "sign-up filled it). Your changes are below and not saved yet; save again to "
                "keep them.",
            )
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved “{found.title}”.")
            return redirect(_url("knowledge_learning_detail", request, found.uuid))
    context["form"] = form
    return render(request, "comms/knowledge_learning_form.html", context, status=status)


def _after_learning_post(
    request: HttpRequest, opportunity: uuid.UUID, *, error: str, done: str
) -> HttpResponse:
    """htmx from a list: the refreshed card; otherwise back where the button was."""
    membership = _membership(request)
    fresh = selectors.learning_get(membership=membership, uuid=opportunity)
    if _is_htmx(request) and request.POST.get("from") == "card":
        (row,) = _learning_rows(membership, [fresh])
        return render(
            request,
            "comms/knowledge_learning.html#card",
            {
                "opportunity": row,
                "card_error": error,
                "card_note": done if not error else "",
                "next_url": _next_url(request, _url("knowledge_learning", request)),
                "linked": bool(person_ids_of(membership)),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(_next_url(request, _url("knowledge_learning_detail", request, fresh.uuid)))


@login_required
@require_POST
@workspace_view("member")
def knowledge_learning_signup(request: HttpRequest, opportunity: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.learning_get(membership=membership, uuid=opportunity)
    form = SignupForm(request.POST)
    error = ""
    if not form.is_valid():
        if not _is_htmx(request):
            return render(
                request,
                "comms/knowledge_learning_detail.html",
                _learning_detail_context(request, found, signup_form=form),
                status=422,
            )
        error = " ".join(str(e) for e in form.errors.get("note", ["Check the note."]))
    else:
        try:
            actions.learning_signup(
                membership=membership, opportunity=found, note=form.cleaned_data["note"]
            )
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
    return _after_learning_post(
        request,
        opportunity,
        error=error,
        done=f"You are signed up for “{found.title}”. {found.host.name} has been told.",
    )


@login_required
@require_POST
@workspace_view("member")
def knowledge_learning_withdraw(request: HttpRequest, opportunity: uuid.UUID) -> HttpResponse:
    """Withdraw my own sign-up."""
    membership = _membership(request)
    found = selectors.learning_get(membership=membership, uuid=opportunity)
    people = person_ids_of(membership)
    mine = next(
        (
            s
            for s in selectors.learning_signup_list(membership=membership, opportunity=found)
            if s.person_id in people
        ),
        None,
    )
    error = "" if mine else "You are not signed up for this opportunity."
    if mine is not None:
        actions.learning_withdraw(membership=membership, signup=mine)
    return _after_learning_post(
        request, opportunity, error=error, done=f"You withdrew from “{found.title}”."
    )


@login_required
@require_POST
@workspace_view("member")
def knowledge_learning_signup_remove(
    request: HttpRequest, opportunity: uuid.UUID, learning_signup: uuid.UUID
) -> HttpResponse:
    """The host (or an admin) removes someone's sign-up."""
    membership = _membership(request)
    found = selectors.learning_get(membership=membership, uuid=opportunity)
    signup = selectors.learning_signup_get(
        membership=membership, opportunity=found, uuid=learning_signup
    )
    name = signup.person.name
    actions.learning_withdraw(membership=membership, signup=signup)
    messages.success(request, f"Removed {name}'s sign-up.")
    return redirect(_url("knowledge_learning_detail", request, found.uuid))


@login_required
@require_POST
@workspace_view("member")
def knowledge_learning_status(request: HttpRequest, opportunity: uuid.UUID) -> HttpResponse:
    """Close an opportunity to sign-ups, or reopen it."""
    membership = _membership(request)
    found = selectors.learning_get(membership=membership, uuid=opportunity)
    move = request.POST.get("move")
    if move == "close":
        actions.learning_close(membership=membership, opportunity=found)
        messages.success(request, f"Closed “{found.title}” to sign-ups.")
    elif move == "reopen":
        actions.learning_reopen(membership=membership, opportunity=found)
        messages.success(request, f"Reopened “{found.title}”.")
    else:
        raise Http404("No such change.")
    return redirect(_url("knowledge_learning_detail", request, found.uuid))
