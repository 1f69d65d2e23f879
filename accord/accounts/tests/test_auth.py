import re

from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accord.accounts.models import User
from conftest import PASSWORD


def test_argon2_is_the_first_password_hasher():
    """New passwords are hashed with Argon2 in the shipped settings."""
    from accord import settings as shipped

    assert shipped.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_password_is_stored_with_argon2(db, settings):
    """With the shipped hashers, a stored password hash is an Argon2 hash."""
    from accord import settings as shipped

    settings.PASSWORD_HASHERS = shipped.PASSWORD_HASHERS
    user = User.objects.create_user(email="hash@example.com", password="a-long-passphrase-9")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("a-long-passphrase-9")


def test_login_with_email_and_password_lands_on_the_workspace(acme, client):
    """Signing in with email + password leads to the user's workspace dashboard."""
    response = client.post(
        reverse("account_login"), {"login": "member@acme.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard", args=["acme"])


def test_wrong_password_is_refused(acme, client):
    """A wrong password shows an error and does not sign in."""
    response = client.post(
        reverse("account_login"), {"login": "member@acme.test", "password": "nope-nope"}
    )
    assert response.status_code == 200
    assert b"not correct" in response.content
    assert "_auth_user_id" not in client.session


def test_login_is_rate_limited(acme, client):
    """After repeated failures for one account, further attempts are refused for a while."""
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "member@acme.test", "password": "bad"})
    response = client.post(
        reverse("account_login"), {"login": "member@acme.test", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content


def test_signup_requires_email_verification(db, client):
    """A new account must confirm its email before it can sign in."""
    response = client.post(
        reverse("account_signup"),
        {
            "email": "fresh@example.com",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert EmailAddress.objects.get(email="fresh@example.com").verified is False
    assert "Confirm" in mail.outbox[-1].subject or "confirm" in mail.outbox[-1].body
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    client.post(path)
    assert EmailAddress.objects.get(email="fresh@example.com").verified is True


def test_password_reset_by_email(acme, client):
    """A reset link arrives by email and sets a new password."""
    client.post(reverse("account_reset_password"), {"email": "viewer@acme.test"})
    body = mail.outbox[-1].body
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", body).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    client.post(
        action, {"password1": "new-long-passphrase-7", "password2": "new-long-passphrase-7"}
    )
    user = User.objects.get(email="viewer@acme.test")
    assert user.check_password("new-long-passphrase-7")


def test_new_user_without_workspace_is_asked_to_create_one(db, client):
    """Someone with no workspace lands on the create-workspace page."""
    user = User.objects.create_user(email="solo@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/").url == reverse("workspace_create")


def test_anonymous_visitors_are_sent_to_sign_in(db, client):
    """Workspace pages require signing in."""
    response = client.get(reverse("dashboard", args=["acme"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_initials_take_first_and_last_name():
    """Avatars show first and last initials, like the directory."""
    from accord.accounts.models import initials_of

    assert initials_of("Malik Romero") == "MR"
    assert initials_of("Cher") == "CH"
    assert initials_of("") == "?"
    assert User(email="nia@example.com").initials == "NI"
    assert User(email="jo.lee@example.com").initials == "JL"
