from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Enterprise sign-in: per-workspace OpenID Connect SSO and required TOTP MFA."""

    name = "accord.sso"
    label = "sso"
    verbose_name = "Enterprise sign-in"
