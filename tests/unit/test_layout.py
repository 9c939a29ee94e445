"""House rules that protect users: no page outside app.py's control, every string in both languages."""
import ast
import json
import re
from collections import Counter
from pathlib import Path

from ui.i18n import LOCALES_DIR
from ui.nav import PAGES

ROOT = Path(__file__).resolve().parents[2]


def test_no_script_sits_directly_in_pages():
    """Streamlit serves such a file by URL to anyone, skipping sign-in and roles (DESIGN traps)."""
    assert sorted(p.name for p in (ROOT / "pages").glob("*.py")) == []


def test_every_page_in_the_menu_exists_and_every_page_file_is_in_the_menu():
    registered = {spec.path for spec in PAGES}
    on_disk = {str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*/*.py")}
    assert registered == on_disk


def test_url_paths_are_unique_for_each_role():
    from ui.nav import EVERYONE

    for role in EVERYONE:
        keys = Counter(spec.key for spec in PAGES if role in spec.roles)
        assert [key for key, n in keys.items() if n > 1] == [], role


def test_readme_lists_every_url_path_and_ledger_kind():
    """The README's page and kind lists are what operators and partners link to: a new page must be named there."""
    from points.ledger.chain import KINDS

    architecture = (ROOT / "README.md").read_text(encoding="utf-8").split("## Architecture", 1)[1]
    named = set(re.findall(r"`([a-z-]+)`", architecture))
    assert {spec.key for spec in PAGES} - named == set()
    assert set(KINDS) - named == set()


def _keys(language: str) -> Counter:
    counts = Counter()
    for path in (LOCALES_DIR / language).glob("*.json"):
        counts.update(json.loads(path.read_text(encoding="utf-8")).keys())
    return counts


def test_every_message_exists_in_both_languages_once():
    english, chinese = _keys("en"), _keys("zh")
    assert set(english) ^ set(chinese) == set()
    assert [key for key, n in (english + chinese).items() if n != 2] == []


def test_every_message_key_used_in_code_exists():
    """Literal keys passed to t("...") must be in the catalogue (dynamic keys are checked by page tests)."""
    known = set(_keys("en"))
    missing = []
    for path in list(ROOT.glob("ui/*.py")) + list(ROOT.glob("pages/*/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args
                    and isinstance(node.args[0], ast.Constant) and node.args[0].value not in known):
                missing.append(f"{path.relative_to(ROOT)}: {node.args[0].value}")
    assert missing == []


def test_the_domain_never_imports_streamlit():
    offenders = [str(p.relative_to(ROOT)) for p in list(ROOT.glob("points/**/*.py")) + list(ROOT.glob("db/**/*.py"))
                 if "import streamlit" in p.read_text(encoding="utf-8")]
    assert offenders == []
