import pytest


def test_the_accessibility_check_catches_real_violations(page):
    """The axe check is not vacuous: an unlabelled field and an image without text fail it."""
    page.visit("/accounts/login/")
    page.set_content(
        '<html lang="en"><body><main><h1>Bad</h1><input type="text">'
        '<img src="/static/accord/favicon.svg"></main></body></html>'
    )
    with pytest.raises(AssertionError, match=r"image-alt|label"):
        page.check_accessibility()
