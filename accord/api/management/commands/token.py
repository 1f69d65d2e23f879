"""`accord token create|list|revoke`: personal access tokens from the command line."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from accord.api import actions
from accord.api.models import TOKEN_PREFIX, ApiToken, token_digest
from accord.workspaces.models import Membership, Workspace


class Command(BaseCommand):
    help = "Create, list and revoke personal access tokens for the API."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        create = commands.add_parser(
            "create", help="Create a token and print it (shown only this once)."
        )
        create.add_argument("--workspace", required=True, help="Workspace slug, e.g. acme.")
        create.add_argument("--email", required=True, help="Email of a member of the workspace.")
        create.add_argument("--name", default="Command line", help="What the token is for.")

        listing = commands.add_parser("list", help="List tokens (never their secrets).")
        listing.add_argument("--workspace", help="Only this workspace.")
        listing.add_argument("--email", help="Only this member's tokens.")
        listing.add_argument("--all", action="store_true", help="Include revoked tokens.")

        revoke = commands.add_parser("revoke", help="Revoke a token by its hint (or itself).")
        revoke.add_argument("hint", help=f"The start shown by `token list`, e.g. {TOKEN_PREFIX}…")
        revoke.add_argument("--workspace", help="Workspace slug, if the hint is ambiguous.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(options)
        else:
            self._revoke(options)

    def _create(self, options: dict[str, Any]) -> None:
        membership = _membership(options["workspace"], options["email"])
        try:
            _token, raw = actions.token_create(
                membership=membership, actor=None, name=options["name"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        # Only the token on stdout, so `TOKEN=$(accord token create …)` works.
        self.stdout.write(raw)
        self.stderr.write(
            f"Token for {membership.user.email} in {membership.workspace.slug} "
            f"({membership.get_role_display().lower()}). Store it now: it is not shown again."
        )

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("membership__user", "workspace").order_by(
            "workspace__slug", "membership__user__email", "-created_at"
        )
        if options["workspace"]:
            tokens = tokens.filter(workspace=_workspace(options["workspace"]))
        if options["email"]:
            tokens = tokens.filter(membership__user__email__iexact=options["email"].strip())
        if not options["all"]:
            tokens = tokens.filter(revoked_at__isnull=True)
        rows = list(tokens)
        if not rows:
            self.stderr.write("No tokens.")
            return
        for token in rows:
            used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "-"
            state = "revoked" if token.revoked_at else "active"
            self.stdout.write(
                f"{token.hint}…\t{token.workspace.slug}\t{token.membership.user.email}\t"
                f"{token.name}\t{state}\tlast used {used}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        text = options["hint"].strip().rstrip("…").rstrip(".")
        tokens: QuerySet[ApiToken] = ApiToken.objects.select_related("workspace", "membership")
        if options["workspace"]:
            tokens = tokens.filter(workspace=_workspace(options["workspace"]))
        if len(text) > actions.HINT_LENGTH:
            matches = list(tokens.filter(token_hash=token_digest(text)))
        else:
            matches = list(tokens.filter(hint=text, revoked_at__isnull=True))
        if not matches:
            raise CommandError(f"No active token matches “{text}”. See `accord token list`.")
        if len(matches) > 1:
            raise CommandError(
                f"{len(matches)} tokens start with “{text}”; add --workspace or pass the whole "
                "token."
            )
        token = actions.token_revoke(token=matches[0], actor_membership=None, actor=None)
        self.stdout.write(f"Revoked {token.hint}… ({token.name}) in {token.workspace.slug}.")


def _workspace(slug: str) -> Workspace:
    workspace = Workspace.objects.filter(slug=slug.strip().lower()).first()
    if workspace is None:
        raise CommandError(f"No workspace with the slug “{slug}”.")
    return workspace


def _membership(slug: str, email: str) -> Membership:
    from django.contrib.auth import get_user_model

    workspace = _workspace(slug)
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No account with the email {email}.")
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(workspace=workspace, user=user)
        .first()
    )
    if membership is None:
        raise CommandError(f"{user.email} is not a member of {workspace.slug}; invite them first.")
    return membership
