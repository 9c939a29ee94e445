"""How the score, its tiers and appeals read on a page, in the reader's language."""
import pandas as pd
import streamlit as st

from points.score.rules import COMPONENTS, Score, load_rules
from ui.format import day, moment, number
from ui.i18n import current_language, t


def tier_name(tier: dict | str | None) -> str:
    """A tier (or its code) by its name in the reader's language, e.g. 优秀 / Very good."""
    if isinstance(tier, str):
        tier = next((item for item in load_rules()["tiers"] if item["code"] == tier), None)
    if tier is None:
        return ""
    return tier["name_zh"] if current_language() == "zh" else f"{tier['name_en']} ({tier['name_zh']})"


def _explanation(name: str, measure: dict) -> str:
    values = {key: number(value, 1) if isinstance(value, float) else value for key, value in measure.items()
              if key != "missing"}
    return t(f"score.explain.{name}", **values)


def _hint(name: str, score: Score) -> str:
    component = score.components[name]
    if name == "penalty":
        return t("score.hint.penalty") if component.points < 0 else ""
    if component.points >= component.max:
        return ""
    missing = ", ".join(t(f"score.category.{code}") for code in component.measure.get("missing", []))
    return t(f"score.hint.{name}", missing=missing)


def components_table(score: Score) -> None:
    rows = [{t("score.component"): t(f"score.part.{name}"),
             t("score.points"): (f"{score.components[name].points} / {score.components[name].max}"
                                 if name != "penalty" else str(score.components[name].points)),
             t("score.explanation"): " ".join(filter(None, (_explanation(name, score.components[name].measure),
                                                           _hint(name, score))))}
            for name in COMPONENTS]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def history_chart(history: list[Score]) -> None:
    frame = pd.DataFrame({t("score.history_date"): [day(item.as_of.date()) for item in history],
                          t("score.total"): [item.total for item in history]})
    st.line_chart(frame, x=t("score.history_date"), y=t("score.total"), height=240)


def tiers_table() -> None:
    language = current_language()
    rows = [{t("score.tier"): tier_name(tier), t("score.tier_from"): tier["min"],
             t("score.benefits"): "; ".join(tier[f"benefits_{language}"])} for tier in load_rules()["tiers"]]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(t("score.tiers_note"))


def appeal_target_label(kind: str, target_id: int, action: str, when) -> str:
    return t(f"score.appeal_{kind}", id=target_id, action=action, when=moment(when))


def appeal_target(appeal) -> str:
    """What an appeal is against: a claim if it names one, else a ledger entry (a reversed credit)."""
    return (t("score.appeal_on_claim", id=appeal.claim_id) if appeal.claim_id
            else t("score.appeal_on_entry", id=appeal.entry_id))


def appeal_line(appeal) -> str:
    return t("score.appeal_line", id=appeal.id, target=appeal_target(appeal),
             status=t(f"score.appeal_status.{appeal.status}"))

