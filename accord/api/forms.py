from django import forms


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="Where the token is used, so you recognise it later, e.g. “CI” or “Reporting”.",
    )
