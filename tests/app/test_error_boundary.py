"""An unexpected error shows a friendly translated message, never a traceback."""
import tomllib
from pathlib import Path

import points.reports.stats


def _explode(*_args, **_kwargs):
    raise RuntimeError("database fell over")


def test_an_unexpected_error_shows_a_translated_message_not_a_traceback(monkeypatch, open_page):
    monkeypatch.setattr(points.reports.stats, "city_totals", _explode)
    for lang, message in (("en", "Something went wrong on our side"), ("zh", "系统出了点问题")):
        app = open_page(None, lang=lang)
        assert not app.exception
        assert [e.value for e in app.error] and message in app.error[0].value
        assert "database fell over" not in str([e.value for e in app.error])


def test_hardened_streamlit_defaults():
    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["client"] == {"toolbarMode": "viewer", "showErrorDetails": "none"}
    assert config["server"]["enableXsrfProtection"] is True and config["server"]["maxUploadSize"] == 5
    assert config["browser"]["gatherUsageStats"] is False
