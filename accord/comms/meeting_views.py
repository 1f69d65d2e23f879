"""Meeting pages: the list (upcoming, past, recurring cadences, a partnership's voice over
time), scheduling and editing, the detail page with agenda, attendance, notes, the
contribution tally, the participation summary and captured outcomes; the .ics download, the
calendar feed settings and the public feed itself."""

import datetime
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from accord.comms import calendar
from accord.comms import meeting_actions as actions
from accord.comms import meeting_selectors as selectors
from accord.comms.meeting_forms import (
    ActionCaptureForm,
    AgendaFormSet,
    AgendaItemForm,
    AttendanceForm,
    DecisionCaptureForm,
    MeetingForm,
    NotesForm,
    PartnershipPickForm,
    StatusForm,
    TallyForm,
    agenda_specs,
)
from accord.comms.models_meetings import AgendaItem, Meeting
from accord.goals.permissions import person_ids_of
from accord.notifications.models import Subscription
from accord.org.models import Person
from accord.partnerships.models import Partnership
from accord.web.forms import form_add_errors
from accord.workspaces.access import object_get, workspace_view
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list

PAST_PAGE_SIZE = 25
UPCOMING_LIMIT = 100
# The fetch() of meetings.js sends this header and gets the participation summary back.
TALLY_HEADER = "X-Accord-Tally"


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _detail_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("meeting_detail", args=[meeting.workspace.slug, meeting.uuid])
    return f"{url}#{anchor}" if anchor else url


def _get(request: HttpRequest, meeting: uuid.UUID) -> Meeting:
    return selectors.meeting_get(membership=_membership(request), uuid=meeting)


def _people_queryset(people: list[Person]) -> QuerySet[Person]:
    return (
        Person.objects.filter(pk__in=[p.pk for p in people])
        .select_related("function")
        .order_by("name", "pk")
    )


def _meeting_people(meeting: Meeting) -> QuerySet[Person]:
    """The partnership's people and anyone already invited (e.g. someone who left it)."""
    invited = list(meeting.attendees.values_list("person_id", flat=True))
    circle = [p.pk for p in selectors.partnership_people(partnership=meeting.partnership)]
    return (
        Person.objects.filter(workspace=meeting.workspace_id, pk__in=[*circle, *invited])
        .select_related("function")
        .order_by("name", "pk")
    )


# --- the list -------------------------------------------------------------------------------


def _filters(params: QueryDict) -> selectors.MeetingFilters:
    status = params.get("status", "")
    return selectors.MeetingFilters(
        partnership=params.get("partnership", "").strip()[:60] or None,
        status=status if status in Meeting.Status.values else None,
        mine=params.get("mine") in {"1", "on", "true"},
    )


@login_required
@workspace_view("viewer")
def meeting_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    today = timezone.localdate()
    filters = _filters(request.GET)
    upcoming = list(
        selectors.meeting_list(
            membership=membership,
            filters=selectors.MeetingFilters(**{**filters.__dict__, "when": "upcoming"}),
            today=today,
        )[:UPCOMING_LIMIT]
    )
    past_rows = selectors.meeting_list(
        membership=membership,
        filters=selectors.MeetingFilters(**{**filters.__dict__, "when": "past"}),
        today=today,
    )
    page = Paginator(past_rows, PAST_PAGE_SIZE).get_page(request.GET.get("page"))
    past = list(page)
    levels = selectors.meeting_levels(meetings=[m for m in past if m.status == Meeting.Status.HELD])
    for meeting in past:
        meeting.voice = levels.get(meeting.pk)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    partnership = None
    voice = None
    if filters.partnership:
        partnership = (
            selectors.meeting_partnership_choices(membership=membership)
            .filter(slug=filters.partnership)
            .first()
        )
        if partnership is not None:
            voice = selectors.partnership_participation(partnership=partnership)
    context: dict[str, Any] = {
        "upcoming": upcoming,
        "past": past,
        "page_obj": page,
        "query_without_page": f"{query.urlencode()}&" if query else "",
        "filters": filters,
        "filtered": filters.any(),
        "partnership": partnership,
        "voice": voice,
        "cadences": selectors.meeting_cadence_list(
            membership=membership, partnership=filters.partnership, today=today
        ),
        "can_create": membership.can_edit,
        "today": today,
    }
    if _is_htmx(request):
        template = "comms/meeting_list.html#results"
    else:
        template = "comms/meeting_list.html"
        context["partnerships"] = list(selectors.meeting_partnership_choices(membership=membership))
        context["statuses"] = Meeting.Status.choices
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
@workspace_view("member")
def meeting_cadence_schedule(request: HttpRequest, cadence: uuid.UUID) -> HttpResponse:
    """ "Schedule the next one": the cadence's next meeting, unless it exists already."""
    membership = _membership(request)
    found = selectors.meeting_cadence_get(membership=membership, uuid=cadence)
    meeting, created = actions.meeting_schedule_next(
        membership=membership, cadence=found, today=timezone.localdate()
    )
    if created:
        messages.success(
            request, f"Scheduled “{meeting.title}” and invited the partnership's members."
        )
    else:
        messages.info(request, f"The next “{meeting.title}” is already scheduled.")
    return redirect(_detail_url(meeting))


# --- schedule and edit ----------------------------------------------------------------------


def _default_start(today: datetime.date) -> str:
    tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(10, 0))
    return tomorrow.strftime("%Y-%m-%dT%H:%M")


def _form_page(
    request: HttpRequest,
    *,
    partnership: Partnership | None,
    form: MeetingForm | None = None,
    formset: Any = None,
    pick: PartnershipPickForm | None = None,
    meeting: Meeting | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "comms/meeting_form.html",
        {
            "partnership": partnership,
            "form": form,
            "formset": formset,
            "pick": pick,
            "meeting": meeting,
            "timezone_name": timezone.get_current_timezone_name(),
        },
        status=status,
    )


@login_required
@workspace_view("member")
def meeting_create(request: HttpRequest) -> HttpResponse:
    """Pick the partnership (skipped when the link names one), then the meeting itself."""
    membership = _membership(request)
    choices = selectors.meeting_partnership_create_choices(membership=membership)
    slug = (request.POST.get("partnership") or request.GET.get("partnership") or "").strip()
    partnership = choices.filter(slug=slug[:60]).first() if slug else None
    if partnership is None:
        pick = PartnershipPickForm({"partnership": slug} if slug else None, partnerships=choices)
        if slug:
            pick.is_valid()
        return _form_page(request, partnership=None, pick=pick, status=422 if slug else 200)
    people = _people_queryset(selectors.partnership_people(partnership=partnership))
    if request.method != "POST":
        defaults = selectors.partnership_default_attendees(partnership=partnership)
        form = MeetingForm(
            initial={
                "attendees": [p.uuid for p in defaults],
                "duration_minutes": 60,
                "starts_at": _default_start(timezone.localdate()),
            },
            people=people,
        )
        formset = AgendaFormSet(prefix="agenda", form_kwargs={"people": people})
        return _form_page(request, partnership=partnership, form=form, formset=formset)
    form = MeetingForm(request.POST, people=people)
    formset = AgendaFormSet(request.POST, prefix="agenda", form_kwargs={"people": people})
    form_ok = form.is_valid()
    if form_ok and not form.cleaned_data["attendees"]:
        form.add_error("attendees", "Invite at least one person from the partnership.")
        form_ok = False
    if form_ok and formset.is_valid():
        try:
            created = actions.meeting_create(
                membership=membership,
                partnership=partnership,
                attendees=list(form.cleaned_data["attendees"]),
                agenda=agenda_specs(formset),
                **form.meeting_fields(),
            )
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, f"Scheduled “{created.title}”; the attendees have been told.")
            return redirect(_detail_url(created))
    return _form_page(request, partnership=partnership, form=form, formset=formset, status=422)


@login_required
@workspace_view("member")
def meeting_edit(request: HttpRequest, meeting: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _get(request, meeting)
    if not selectors.meeting_can_manage(membership=membership, meeting=found):
        raise PermissionDenied(
            "Only the meeting's organizer, its partnership's lead and sponsor, and workspace "
            "admins can change it."
        )
    people = _meeting_people(found)
    if request.method != "POST":
        invited = list(found.attendees.values_list("person__uuid", flat=True))
        form = MeetingForm(initial=MeetingForm.initial_for(found, invited), people=people)
        return _form_page(request, partnership=found.partnership, form=form, meeting=found)
    form = MeetingForm(request.POST, people=people)
    status = 422
    if form.is_valid():
        fields = form.meeting_fields()
        if fields["organizer"] is None:
            fields["organizer"] = found.organizer
        try:
            actions.meeting_update(
                membership=membership,
                meeting=found,
                expected_version=form.cleaned_data["expected_version"],
                attendees=list(form.cleaned_data["attendees"]),
                **fields,
            )
        except actions.StaleVersion:
            fresh = _get(request, meeting)
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = MeetingForm(data, people=people)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else saved “{fresh.title}” while you were editing. Your changes are "
                "below and not saved yet; save again to keep them, or cancel to keep theirs.",
            )
            found, status = fresh, 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved “{found.title}”.")
            return redirect(_detail_url(found))
    return _form_page(
        request, partnership=found.partnership, form=form, meeting=found, status=status
    )


@login_required
@require_POST
@workspace_view("member")
def meeting_delete(request: HttpRequest, meeting: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _get(request, meeting)
    title = found.title
    actions.meeting_delete(membership=membership, meeting=found)
    messages.success(request, f"Deleted the meeting “{title}”. Its decisions and actions stay.")
    return redirect("meeting_list", membership.workspace.slug)


# --- the detail page ------------------------------------------------------------------------


def _summary_context(meeting: Meeting) -> dict[str, Any]:
    attendees = list(selectors.meeting_attendee_list(meeting=meeting))
    agenda = list(selectors.meeting_agenda_list(meeting=meeting))
    counts = selectors.meeting_counts(meeting=meeting)
    return {
        "meeting": meeting,
        "attendees": attendees,
        "agenda": agenda,
        "tally": selectors.meeting_tally(attendees=attendees, agenda=agenda, counts=counts),
        "participation": selectors.meeting_participation(attendees=attendees, counts=counts),
    }


def _detail_context(request: HttpRequest, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    membership = _membership(request)
    context = _summary_context(meeting)
    can_manage = selectors.meeting_can_manage(membership=membership, meeting=meeting)
    can_notes = can_manage or selectors.meeting_can_take_notes(
        membership=membership, meeting=meeting
    )
    people = _meeting_people(meeting) if can_notes else Person.objects.none()
    context.update(
        {
            "can_manage": can_manage,
            "can_take_notes": can_notes,
            "can_tally": can_notes and meeting.status != Meeting.Status.CANCELLED,
            "decisions": list(selectors.meeting_decision_list(meeting=meeting)),
            "actions": list(selectors.meeting_action_list(meeting=meeting)),
            "notes_form": forms.get("notes_form")
            or NotesForm(initial={"notes": meeting.notes, "expected_version": meeting.version}),
            "agenda_form": forms.get("agenda_form") or AgendaItemForm(people=people),
            "decision_form": forms.get("decision_form")
            or DecisionCaptureForm(
                people=people,
                initial={"decider": _default_decider(meeting)},
            ),
            "action_form": forms.get("action_form") or ActionCaptureForm(people=people),
            "history": list(audit_list(workspace=meeting.workspace, instance=meeting, limit=30)),
            "ends_at": meeting.starts_at + datetime.timedelta(minutes=meeting.duration_minutes),
            "location_is_link": meeting.location.startswith(("https://", "http://")),
            "can_mark_held": meeting.status != Meeting.Status.HELD
            and timezone.localtime(meeting.starts_at).date() <= timezone.localdate(),
        }
    )
    return context


def _default_decider(meeting: Meeting) -> Any:
    """The partnership's lead usually makes the call."""
    lead = meeting.partnership.lead
    return lead.uuid if lead is not None else None


@login_required
@workspace_view("viewer")
def meeting_detail(request: HttpRequest, meeting: uuid.UUID) -> HttpResponse:
    found = _get(request, meeting)
    return render(request, "comms/meeting_detail.html", _detail_context(request, found))


def _back(
    request: HttpRequest, meeting: Meeting, anchor: str, error: Exception | None
) -> HttpResponse:
    if isinstance(error, ValidationError):
        messages.error(request, " ".join(error.messages))
    elif isinstance(error, PermissionDenied):
        messages.error(request, str(error))
    return HttpResponseRedirect(_detail_url(meeting, anchor))


@login_required
@require_POST
@workspace_view("member")
def meeting_status(request: HttpRequest, meeting: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _get(request, meeting)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _back(request, found, "", ValidationError("Choose scheduled, held or cancelled."))
    try:
        actions.meeting_status_change(
            membership=membership, meeting=found, status=form.cleaned_data["status"]
        )
    except ValidationError as error:
        return _back(request, found, "", error)
    label = {
        Meeting.Status.HELD: "marked as held",
        Meeting.Status.CANCELLED: "cancelled; the attendees have been told",
        Meeting.Status.SCHEDULED: "back on the schedule",
    }[Meeting.Status(found.status)]
    messages.success(request, f"“{found.title}” is {label}.")
    return redirect(_detail_url(found))


@login_required
@require_POST
@workspace_view("member")
def meeting_notes(request: HttpRequest, meeting: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _get(request, meeting)
    form = NotesForm(request.POST)
    saved = False
    status = 200
    if form.is_valid():
        try:
            actions.meeting_notes_set(
                membership=membership,
                meeting=found,
                notes=form.cleaned_data["notes"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except actions.StaleVersion:
            fresh = _get(request, meeting)
            form.add_error(
                "notes",
                "Someone else saved the notes meanwhile. Your text is below, not saved yet; "
                "copy what you need, reload the page and add it to theirs.",
            )
            found, status = fresh, 409
        except ValidationError as error:
            form_add_errors(form, error)
            status = 422
        else:
            saved = True
    else:
        status = 422
    if not _is_htmx(request):
        if saved:
            messages.success(request, "Notes saved.")
            return redirect(_detail_url(found, "notes"))
        return render(
            request,
            "comms/meeting_detail.html",
            _detail_context(request, found, notes_form=form),
            status=status,
        )
    if saved:
        form = NotesForm(initial={"notes": found.notes, "expected_version": found.version})
    context = _detail_context(request, found, notes_form=form)
    context["notes_saved"] = saved
    return render(request, "comms/meeting_detail.html#notes", context)


@login_required
@require_POST
@workspace_view("member")
def meeting_attendance(request: HttpRequest, meeting: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _get(request, meeting)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        return _back(request, found, "attendees", ValidationError("Choose present or absent."))
    person = object_get(Person, workspace=membership.workspace, uuid=form.cleaned_data["person"])
    try:
        actions.meeting_attendance_set(
            membership=membership,
            meeting=found,
            person=person,
            attended=form.cleaned_data["attended"],
        )
    except ValidationError as error:
        return _back(request, found, "attendees", error)
    state = "present" if form.cleaned_data["attended"] else "absent"
    messages.success(request, f"{person.name} is marked {state}.")
    return redirect(_detail_url(found, "attendees"))


# --- agenda ---------------------------------------------------------------------------------


@login_required
@require_POST
@workspace_view("member")
def meeting_agenda_add(request: HttpRequest, meeting: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _get(request, meeting)
    if not selectors.meeting_can_take_notes(membership=membership, meeting=found):
        raise PermissionDenied("Only the note-taker and the meeting's managers edit its agenda.")
    form = AgendaItemForm(request.POST, people=_meeting_people(found))
    if form.is_valid():
        try:
            actions.agenda_item_add(membership=membership, meeting=found, **form.cleaned_data)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Added “{form.cleaned_data['title']}” to the agenda.")
            return redirect(_detail_url(found, "agenda"))
    return render(
        request,
        "comms/meeting_detail.html",
        _detail_context(request, found, agenda_form=form),
        status=422,
    )


def _agenda_item(meeting: Meeting, agenda_item: uuid.UUID) -> AgendaItem:
    found: AgendaItem = object_get(
        AgendaItem.objects.filter(meeting=meeting), workspace=meeting.workspace, uuid=agenda_item
    )
    return found


@login_required
@require_POST
@workspace_view("member")
def meeting_agenda_move(
    request: HttpRequest, meeting: uuid.UUID, agenda_item: uuid.UUID
) -> HttpResponse:
    membership = _membership(request)
    found = _get(request, meeting)
    item = _agenda_item(found, agenda_item)
    offset = -1 if request.POST.get("direction") == "up" else 1
    actions.agenda_item_move(membership=membership, meeting=found, item=item, offset=offset)
    return redirect(_detail_url(found, "agenda"))


@login_required
@require_POST
@workspace_view("member")
def meeting_agenda_remove(
    request: HttpRequest, meeting: uuid.UUID, agenda_item: uuid.UUID
) -> HttpResponse:
    membership = _membership(request)
    found = _get(request, meeting)
    item = _agenda_item(found, agenda_item)
    actions.agenda_item_remove(membership=membership, meeting=found, item=item)
    messages.success(request, f"Removed “{item.title}” and its tallies from the agenda.")
    return redirect(_detail_url(found, "agenda"))


# --- the tally ------------------------------------------------------------------------------


@login_required
@require_POST
@workspace_view("member")
def meeting_tally(request: HttpRequest, meeting: uuid.UUID) -> HttpResponse:
    """One click on the tally grid. Plain form posts come back to the grid; the fetch() of
    meetings.js gets the refreshed participation summary (and the cell's count in a header),
    or a 422 with the reason as text."""
    membership = _membership(request)
    found = _get(request, meeting)
    scripted = request.headers.get(TALLY_HEADER) == "1"
    form = TallyForm(request.POST)
    error = ""
    count = 0
    if not form.is_valid():
        problems = [str(message) for message in form.errors.get("tally") or []]
        error = " ".join(problems) or "That tally button is not one of this meeting's."
    else:
        click = form.cleaned_data["tally"]
        try:
            item = _agenda_item(found, click.agenda_item)
            person = object_get(Person, workspace=membership.workspace, uuid=click.person)
            count = actions.contribution_change(
                membership=membership,
                meeting=found,
                agenda_item=item,
                person=person,
                delta=click.delta,
            )
        except Http404:
            error = "That tally button is not one of this meeting's; reload the page."
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
    if scripted:
        if error:
            return HttpResponse(error, status=422, content_type="text/plain; charset=utf-8")
        response = render(
            request, "comms/meeting_detail.html#participation", _summary_context(found)
        )
        response["X-Tally-Count"] = str(count)
        return response
    if error:
        messages.error(request, error)
    return redirect(_detail_url(found, "tally"))


# --- outcomes -------------------------------------------------------------------------------


@login_required
@require_POST
@workspace_view("member")
def meeting_decision_capture(request: HttpRequest, meeting: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _get(request, meeting)
    if not selectors.meeting_can_take_notes(membership=membership, meeting=found):
        raise PermissionDenied("Only the note-taker and the meeting's managers capture outcomes.")
    form = DecisionCaptureForm(request.POST, people=_meeting_people(found))
    if form.is_valid():
        try:
            decision = actions.meeting_decision_capture(
                membership=membership, meeting=found, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            state = "decided" if decision.status == decision.Status.DECIDED else "a draft"
            messages.success(
                request, f"Recorded the decision “{decision.title}” ({state}) in the log."
            )
            return redirect(_detail_url(found, "outcomes"))
    return render(
        request,
        "comms/meeting_detail.html",
        _detail_context(request, found, decision_form=form),
        status=422,
    )


@login_required
@require_POST
@workspace_view("member")
def meeting_action_capture(request: HttpRequest, meeting: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = _get(request, meeting)
    if not selectors.meeting_can_take_notes(membership=membership, meeting=found):
        raise PermissionDenied("Only the note-taker and the meeting's managers capture outcomes.")
    form = ActionCaptureForm(request.POST, people=_meeting_people(found))
    if form.is_valid():
        try:
            action = actions.meeting_action_capture(
                membership=membership, meeting=found, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, f"Added the action “{action.title}”.")
            return redirect(_detail_url(found, "outcomes"))
    return render(
        request,
        "comms/meeting_detail.html",
        _detail_context(request, found, action_form=form),
        status=422,
    )


# --- iCalendar ------------------------------------------------------------------------------


@login_required
@require_GET
@workspace_view("viewer")
def meeting_ics(request: HttpRequest, meeting: uuid.UUID) -> HttpResponse:
    found = _get(request, meeting)
    body = calendar.meeting_ics(
        meeting=found,
        attendees=list(selectors.meeting_attendee_list(meeting=found)),
        agenda=list(selectors.meeting_agenda_list(meeting=found)),
    )
    response = HttpResponse(body, content_type=calendar.CONTENT_TYPE)
    name = slugify(found.title)[:60] or "meeting"
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


def _calendar_page(request: HttpRequest, *, raw: str = "", status: int = 200) -> HttpResponse:
    membership = _membership(request)
    active = (
        Subscription.objects.filter(workspace=membership.workspace, user=membership.user)
        .exclude(calendar_token_hash="")
        .exists()
    )
    url = calendar.calendar_feed_url(raw) if raw else ""
    return render(
        request,
        "comms/meeting_calendar.html",
        {
            "feed_active": active,
            "feed_url": url,
            "webcal_url": url.replace("https://", "webcal://").replace("http://", "webcal://"),
            "linked": bool(person_ids_of(membership)),
        },
        status=status,
    )


@login_required
@workspace_view("viewer")
def meeting_calendar(request: HttpRequest) -> HttpResponse:
    """Create, reset or stop the member's calendar feed. Its secret URL is shown once."""
    membership = _membership(request)
    if request.method != "POST":
        return _calendar_page(request)
    if request.POST.get("action") == "revoke":
        if actions.calendar_token_revoke(membership=membership):
            messages.success(request, "Calendar feed stopped: its URL no longer works.")
        return redirect("meeting_calendar", membership.workspace.slug)
    raw = actions.calendar_token_reset(membership=membership)
    # Rendered, not redirected: the secret URL is in this response and never again.
    return _calendar_page(request, raw=raw)


@require_GET
def calendar_feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    """The public, token-authenticated feed a calendar client subscribes to."""
    subscription = calendar.calendar_subscription_get(feed_token)
    if subscription is None:
        raise Http404("No such calendar feed.")
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(workspace=subscription.workspace, user=subscription.user)
        .first()
    )
    if membership is None:
        raise Http404("No such calendar feed.")
    response = HttpResponse(
        calendar.calendar_feed_ics(membership=membership), content_type=calendar.CONTENT_TYPE
    )
    response["Content-Disposition"] = 'inline; filename="accord.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
