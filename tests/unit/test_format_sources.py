"""A factor's source, year and confidence read in Chinese on Chinese pages (issue 14: "可信度 medium" and English
sources on the log page); the stored citation stays as it was."""
import re

import streamlit as st

from db.engine import read_session, write_session
from points.catalogue.actions import current_action, load_catalogue, read_catalogue_file
from points.catalogue.catalog_admin import edit_factor
from points.catalogue.wording import source_in, translated_sources
from ui.ledger_text import factor_text, preview_text, source_text

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def test_every_shipped_source_has_a_chinese_text_without_english_words():
    sources = translated_sources()
    assert {row["source"] for row in read_catalogue_file()} <= set(sources)
    assert all(not LATIN_WORD.findall(text) for text in sources.values())
    assert "source_zh" not in read_catalogue_file()[0]  # display only: not an ActionType field


def test_the_log_pages_source_line_is_chinese_in_chinese_and_unchanged_in_english(monkeypatch):
    with write_session() as session:
        load_catalogue(session)
    with read_session() as session:
        electricity, plate = current_action(session, code="electricity"), current_action(session, code="clean_plate")
    monkeypatch.setattr(st, "session_state", {"lang": "zh"})
    line = source_text(electricity)
    assert line.startswith("来源：生态环境部、国家统计局 2022 年电力二氧化碳排放因子") and "可信度：高" in line
    assert not LATIN_WORD.findall(line)
    assert "（2015 年数据）" in source_text(plate)
    monkeypatch.setattr(st, "session_state", {"lang": "en"})
    assert source_text(electricity).startswith("Source: MEE & NBS 2022") and "confidence high" in source_text(
        electricity)
    assert factor_text(plate) == "50% of 344.2 g/meal, an upper bound"  # not "g/meals"
    assert preview_text(plate, 1).startswith("1 meal · Clean plate")  # not "1 meals"
    assert preview_text(plate, 2).startswith("2 meals · ")


def test_an_admins_new_source_shows_as_typed_and_an_unchanged_one_keeps_its_translation(make_user):
    with write_session() as session:
        load_catalogue(session)
    admin = make_user("root", role="admin")
    with write_session() as session:
        edit_factor(session, actor_id=admin.id, code="bus", source="厦门公交集团 2027 年实测", factor_g=30.0)
        metro = current_action(session, code="metro")
        typed = current_action(session, code="bus")
        assert source_in(typed, "zh") == source_in(typed, "en") == "厦门公交集团 2027 年实测"
        assert source_in(metro, "zh").startswith("深圳市生态环境局") and source_in(metro, "en").startswith("Shenzhen")
