from django import forms

from accord.sso.models import JoinRole


class SsoConfigForm(forms.Form):
    issuer = forms.CharField(
        label="Issuer URL",
        max_length=500,
        help_text="Your identity provider's issuer, e.g. https://login.example.com/realms/acme. "
        "Accord reads its /.well-known/openid-configuration.",
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    client_id = forms.CharField(label="Client ID", max_length=191)
    client_secret = forms.CharField(
        label="Client secret",
        max_length=191,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Stored for the sign-in exchange and never shown again. Leave empty to keep "
        "the current one.",
    )
    domains = forms.CharField(
        label="E-mail domains",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text="Only addresses in these domains may sign in this way, e.g. acme.com, "
        "acme.co.uk.",
    )
    join_role = forms.ChoiceField(
        label="Role for people who join through SSO",
        choices=JoinRole.choices,
        initial=JoinRole.MEMBER,
        help_text="People who are not members yet join with this role on their first sign-in.",
    )
    enabled = forms.BooleanField(label="Single sign-on is on", required=False, initial=True)


class SignInPolicyForm(forms.Form):
    require_mfa = forms.BooleanField(
        label="Require two-factor authentication",
        required=False,
        help_text="Members without an authenticator app are sent to set one up before they can "
        "open this workspace.",
    )
    require_sso = forms.BooleanField(
        label="Require single sign-on",
        required=False,
        help_text="Members who signed in with a password are sent through SSO first. Owners "
        "are exempt, so a broken identity provider cannot lock everyone out.",
    )
    sso_satisfies_mfa = forms.BooleanField(
        label="Our identity provider enforces two-factor authentication",
        required=False,
        help_text="A sign-in through SSO then counts as two-factor; password sign-ins still "
        "need an authenticator app.",
    )


class SsoFindForm(forms.Form):
    email = forms.EmailField(
        label="Work e-mail",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
