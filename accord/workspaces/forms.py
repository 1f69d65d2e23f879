from django import forms

from accord.workspaces.models import SLUG_RULE, Role


class WorkspaceCreateForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="Your organization's name, as people know it.")
    slug = forms.CharField(
        max_length=50,
        label="Address",
        validators=[SLUG_RULE],
        help_text="Lowercase letters, digits and hyphens; used in links, e.g. acme.",
    )


class WorkspaceSettingsForm(forms.Form):
    name = forms.CharField(max_length=120)


class InvitationForm(forms.Form):
    email = forms.EmailField(help_text="They get a link that works once.")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class AcceptNewAccountForm(forms.Form):
    display_name = forms.CharField(max_length=150, label="Your name")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters; not a common password.",
    )
