from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accord.governance.raci_selectors import governance_settings_get
from accord.governance.settings_actions import governance_settings_update
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view


class GovernanceSettingsForm(forms.Form):
    raci_load_cap = forms.IntegerField(
        label="Most active deliverables per person as A or R",
        help_text="Above this (or far above the team's median) a person is flagged overloaded.",
    )
    raci_max_consulted = forms.IntegerField(
        label="Most C's on one RACI row",
        help_text="Every C is a two-way loop; more than this is flagged.",
    )
    conflict_stale_days = forms.IntegerField(
        label="Days in one stage before a conflict is stale",
    )


@login_required
@workspace_view("viewer")
def governance_settings(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    current = governance_settings_get(workspace=membership.workspace)
    initial = {name: getattr(current, name) for name in GovernanceSettingsForm.base_fields}
    form = GovernanceSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not membership.can_admin:
            raise PermissionDenied("Only admins and owners change governance settings.")
        if form.is_valid():
            try:
                governance_settings_update(membership=membership, **form.cleaned_data)
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, "Governance settings saved.")
                return redirect("governance_settings", membership.workspace.slug)
    return render(
        request,
        "governance/governance_settings.html",
        {"form": form, "tab": "governance"},
        status=422 if form.errors else 200,
    )
