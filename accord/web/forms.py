"""Form plumbing shared by every app's pages."""

from django import forms
from django.core.exceptions import ValidationError


def form_add_errors(form: forms.Form, error: ValidationError) -> None:
    """Attach an action's ValidationError to the fields it names (else to the whole form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message if target else f"{field}: {message}")
    else:
        for message in error.messages:
            form.add_error(None, message)
