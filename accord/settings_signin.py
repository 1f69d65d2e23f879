"""Sign-in settings: allauth MFA (TOTP) and social accounts for per-workspace OIDC SSO."""

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Accord"
SOCIALACCOUNT_ONLY = False
