"""The demo workspace's public facts (logins); the builder lives in the `demo` command."""

DEMO_WORKSPACE_SLUG = "brightwater"
DEMO_WORKSPACE_NAME = "Brightwater Goods"
DEMO_PASSWORD = "accord-demo"
DEMO_LOGINS = [
    ("Owner", "owner@brightwater.example"),
    ("Admin", "admin@brightwater.example"),
    ("Member", "member@brightwater.example"),
    ("Viewer", "viewer@brightwater.example"),
]
