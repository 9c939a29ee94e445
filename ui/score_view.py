"""How the score, its tiers and appeals read on a page, in the reader's language."""
import pandas as pd
import streamlit as st

from points.common.clock import local_day
from points.score.next_step import Advice
from points.score.rules import COMPONENTS, Score, load_rules, next_tier
from ui.charts import line_chart
from ui.format import day, equivalent, grams, moment, number, plural
from ui.i18n import current_language, t


def tier_name(tier: dict | str | None) -> str:
    """A tier (or its code) by its name in the reader's language, e.g. 优秀 / Very good."""
    if isinstance(tier, str):
        tier = next((item for item in load_rules()["tiers"] if item["code"] == tier), None)
    if tier is None:
        return ""
    return tier["name_zh"] if current_language() == "zh" else f"{tier['name_en']} ({tier['name_zh']})"


def _explanation(name: str, measure: dict) -> str:
    """A component in words; the carbon one as a mass like every other ("4.6 kg", "467 g") and its comparison."""
    if name == "carbon":
        comparison = equivalent(measure["grams"])
        text = t("score.explain.carbon", co2e=grams(measure["grams"]))
        return f"{text} ({comparison})" if comparison else text
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
    """The score over the year, by local date on a time axis, with a sentence and the table for those who
    cannot see the line."""
    when, total = t("score.history_date"), t("score.total")
    frame = pd.DataFrame({when: [local_day(item.as_of) for item in history], total: [item.total for item in history]})
    first, last = history[0], history[-1]
    summary = t("numbers.score_history_summary", start=day(local_day(first.as_of)), first=first.total,
                end=day(local_day(last.as_of)), last=last.total, low=min(frame[total]), high=max(frame[total]))
    line_chart(frame, x=when, y=total, summary=summary)


def advice_message(advice: Advice, score: Score) -> tuple[str, str]:
    """(kind, text) for the next step: only what today's and this week's caps allow, never a bigger promise."""
    trip, step = advice.trip, advice.step
    common = {"km": number(trip.km), "cap": number(trip.daily_cap_km or 0)}
    if step is not None:
        tier = {"tier": tier_name(step.tier), "min": step.tier["min"]}
        if len(step.per_day) == 1:
            return "info", plural("numbers.next_today", step.total, n=step.total, **tier, **common)
        if step.per_day[0] == 0:
            return "info", plural("numbers.next_tomorrow", step.total, n=step.total, days=len(step.per_day) - 1,
                                  **tier, **common)
        return "info", plural("numbers.next_week", step.total, n=step.total, today=step.per_day[0],
                              days=len(step.per_day), **tier, **common)
    upcoming = next_tier(score)
    if upcoming is None:
        return "success", t("score.top_tier")
    far = t("score.next_tier_far", tier=tier_name(upcoming), min=upcoming["min"])
    return "info", (t("numbers.cap_reached", **common) + " " + far) if advice.cap_reached_today else far


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

