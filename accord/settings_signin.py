"""Sign-in settings: allauth MFA (TOTP) and social accounts for per-workspace OIDC SSO."""

from accord.env import env_bool

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Accord"
SOCIALACCOUNT_ONLY = False

# Per-workspace identity providers live in the database (accord.sso.WorkspaceSso → SocialApp);
# the adapter hides them from generic provider lists and checks domains and membership.
SOCIALACCOUNT_ADAPTER = "accord.sso.adapter.SocialAccountAdapter"
# New people from a workspace's identity provider are created without a signup form.
SOCIALACCOUNT_AUTO_SIGNUP = True
# The provider's verified e-mail signs in the existing account with that address (the adapter
# allows this only for members of the provider's workspace) and links it for next time.
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# Claims and tokens are not kept: Accord needs the e-mail and name at sign-in, nothing later.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

# Issuers on http:// or on private/loopback addresses are refused unless this is on (for a
# development identity provider on this machine, and the tests' local provider).
ACCORD_SSO_ALLOW_LOCAL_ISSUERS = env_bool("ACCORD_SSO_ALLOW_LOCAL_ISSUERS", False)
