"""The portfolio's filter form: a GET form that works without JavaScript.

A value that is not one of the choices (a stale link, another workspace's id, a typo) is
reported next to its field and ignored, so the page still shows everything else.
"""

from typing import Any

from django import forms
from django.http import QueryDict

from accord.insights.portfolio_selectors import SORTS, PortfolioFilters
from accord.partnerships.models import Lifecycle


class PortfolioFilterForm(forms.Form):
    function = forms.ChoiceField(required=False, label="Function")
    sponsor = forms.ChoiceField(required=False, label="Sponsor")
    status = forms.ChoiceField(required=False, label="Status")
    sort = forms.ChoiceField(required=False, label="Sort by", choices=list(SORTS.items()))

    def __init__(
        self, data: QueryDict | dict[str, Any] | None, *, functions: Any = (), sponsors: Any = ()
    ) -> None:
        super().__init__(data)
        function_field: Any = self.fields["function"]
        sponsor_field: Any = self.fields["sponsor"]
        status_field: Any = self.fields["status"]
        function_field.choices = [("", "All functions")] + [
            (str(f.uuid), f.name) for f in functions
        ]
        sponsor_field.choices = [("", "Any sponsor")] + [(str(p.uuid), p.name) for p in sponsors]
        status_field.choices = [("", "Any status"), *Lifecycle.choices]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = (
                f"{field.label}: “%(value)s” is not one of the choices, so this filter is ignored."
            )

    def filters(self) -> PortfolioFilters:
        """The valid filters; an invalid field counts as not set."""
        self.is_valid()
        clean = getattr(self, "cleaned_data", {})
        return PortfolioFilters(
            function=clean.get("function") or None,
            sponsor=clean.get("sponsor") or None,
            status=clean.get("status") or None,
            sort=clean.get("sort") or "name",
        )


def portfolio_filters_parse(data: QueryDict | dict[str, Any]) -> tuple[PortfolioFilters, list[str]]:
    """Filters for pages and the API without loading the choices: ids must be UUIDs, status
    a lifecycle value, sort one of SORTS. Returns the filters and one message per bad field."""
    from accord.insights.portfolio_selectors import uuid_or_none

    errors: list[str] = []
    values: dict[str, Any] = {}
    for name in ("function", "sponsor"):
        raw = (data.get(name) or "").strip()
        parsed = uuid_or_none(raw)
        if raw and parsed is None:
            errors.append(f"{name}: “{raw[:60]}” is not an id (a UUID).")
        values[name] = parsed
    status = (data.get("status") or "").strip()
    if status and status not in Lifecycle.values:
        errors.append(f"status: must be one of {', '.join(Lifecycle.values)}.")
        status = ""
    sort = (data.get("sort") or "").strip()
    if sort and sort not in SORTS:
        errors.append(f"sort: must be one of {', '.join(SORTS)}.")
        sort = ""
    return (
        PortfolioFilters(
            function=values["function"],
            sponsor=values["sponsor"],
            status=status or None,
            sort=sort or "name",
        ),
        errors,
    )
