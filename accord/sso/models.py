"""Per-workspace SSO configuration and MFA policy."""
