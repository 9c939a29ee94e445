"""Every page renders for every role allowed to see it, in both languages, without an exception."""
import pytest

from points.common.roles import ROLES
from ui.nav import PAGES, SIGNED_OUT

UNEXPECTED = {"en": "Something went wrong on our side", "zh": "系统出了点问题"}
CASES = [(spec, role) for spec in PAGES for role in spec.roles]


def _visible_errors(app) -> list[str]:
    return [element.value for element in app.error]


@pytest.mark.parametrize("spec, role", CASES, ids=[f"{spec.key}-{role}" for spec, role in CASES])
def test_page_renders_for_role(spec, role, make_user, open_page):
    user = None if role == SIGNED_OUT else make_user(f"user-{role}", role=role)
    for lang in ("en", "zh"):
        app = open_page(spec.path, user, lang=lang)
        assert not app.exception, app.exception
        assert not any(UNEXPECTED[lang] in text for text in _visible_errors(app))


@pytest.mark.parametrize("role", ROLES)
def test_signed_in_roles_never_see_the_sign_in_pages(role, make_user, open_page):
    app = open_page(None, make_user(f"user-{role}", role=role))
    assert not app.exception
    assert "Sign in" not in [button.label for button in app.button]
