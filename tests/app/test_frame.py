"""The frame's script as every page sends it: the run's language, the portal's translations of Streamlit's own
English, nothing that would end the script early (the browser side is tests/browser/test_accessibility.py)."""
import json
import re

import pytest

from ui.frame import HTML_LANG, STREAMLIT_TEXTS
from ui.i18n import catalogue

# DOMPurify, which Streamlit runs over st.html, silently drops a <script> whose text looks like markup.
MARKUP = re.compile(r"<[/\w!]")
PLACEHOLDER = re.compile(r"\{\w+\}")


def _frame(app) -> str:
    bodies = [element.proto.body for element in app.get("html") if "data-ge-frame" in element.proto.body]
    assert len(bodies) == 1
    return bodies[0]


def _settings(body: str) -> tuple[str, dict]:
    script = body.split("<script data-ge-frame>", 1)[1].rsplit("</script>", 1)[0]
    return script, json.loads(re.search(r"const settings = (\{.*?\});\n", script).group(1))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_sends_the_frame_in_its_language(open_page, make_user, lang):
    app = open_page("pages/resident/ledger.py", make_user("egret", role="resident"), lang=lang)
    script, settings = _settings(_frame(app))
    assert settings["lang"] == HTML_LANG[lang]
    assert dict(settings["texts"])["Skip to main content"] == {"zh": "跳到主要内容", "en": "Skip to main content"}[lang]
    assert not MARKUP.search(script)


def test_a_translation_holding_markup_cannot_end_the_script(open_page, monkeypatch):
    monkeypatch.setitem(catalogue("zh"), "frame.st.skip", "</script><img src=x onerror=alert(1)>")
    script, settings = _settings(_frame(open_page(None, lang="zh")))
    assert not MARKUP.search(script)
    assert dict(settings["texts"])["Skip to main content"] == "</script><img src=x onerror=alert(1)>"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_streamlit_text_is_translated_with_the_same_placeholders(lang):
    for key, english in STREAMLIT_TEXTS.items():
        text = catalogue(lang)[f"frame.st.{key}"]
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(english)), key
        if lang == "zh":
            assert not re.search(r"[a-z]{2,}", PLACEHOLDER.sub("", text)), key  # acronyms such as CSV may stay
