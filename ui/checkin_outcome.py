"""What a volunteer sees after a scan: one full-screen panel, green, amber or red, that says what happened and what
to do next, so a volunteer in a queue at the venue reads it at a glance (issue 14).

Colour never speaks alone: the panel's heading says the result in words and an icon shape (tick, clock, cross) is
drawn by the style sheet, hidden from screen readers, which read the heading. Text colours keep at least 7:1 on
their backgrounds (ui/checkin_outcome.css). The panel is keyed `checkin_outcome_<tone>`, which tests and the
first-paint benchmark look for.
"""
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from points.checkin.decision import ScanResult
from points.common.errors import DomainError
from ui import format as fmt
from ui.i18n import error_text, t

GREEN, AMBER, RED = "green", "amber", "red"
STYLE = Path(__file__).with_name("checkin_outcome.css")
RESULT_TONES = {"credited": GREEN, "checked_in": GREEN, "checked_out": GREEN, "already": GREEN, "rejected": RED}
REFUSAL_TONES = {"checkin_not_started": AMBER, "checkin_full": AMBER, "checkin_station_attendant": AMBER,
                 "checkin_invalid": RED, "checkin_expired": RED, "checkin_ended": RED,
                 "checkout_not_checked_in": RED}
PANEL_KEY = "checkin_outcome_{tone}"


@dataclass(frozen=True)
class Outcome:
    """A panel to draw: its tone, the words (already translated) and whether a check-out button belongs in it."""
    tone: str
    heading: str
    detail: str
    next_step: str
    reason: str = ""
    can_check_out: bool = False
    link: tuple = field(default=(), repr=False)  # the scanned (c, t), kept server-side for the check-out


def reason_text(code: str) -> str:
    """A hold reason in words (over capacity, short attendance…), also used by the admin's queue."""
    key = f"checkin_outcome.reason.{code.removeprefix('checkin_')}"
    text = t(key)
    return t("checkin_outcome.reason.checkin") if text == key else text


def from_result(result: ScanResult, *, title: str, link: tuple) -> Outcome:
    """A recorded scan or check-out: green, amber while an administrator has to decide, red once refused."""
    params = {"title": fmt.plain(title), "points": result.points, "hours": fmt.number(result.hours or 0, 1)}
    held = result.held_because
    if held is not None:
        next_key = "held_next_check_out" if result.can_check_out else "held_next"
        return Outcome(AMBER, t("checkin_outcome.held.heading"), t("checkin_outcome.held.detail", **params),
                       t(f"checkin_outcome.{next_key}"), reason=reason_text(held),
                       can_check_out=result.can_check_out, link=link)
    code = result.outcome
    return Outcome(RESULT_TONES[code], t(f"checkin_outcome.{code}.heading", **params),
                   t(f"checkin_outcome.{code}.detail", **params), t(f"checkin_outcome.{code}.next", **params),
                   can_check_out=result.can_check_out, link=link)


def from_refusal(error: DomainError) -> Outcome:
    """A scan refused before anything was written; an unexpected refusal is red with its own message."""
    tone = REFUSAL_TONES.get(error.code)
    if tone is None:
        return Outcome(RED, t("checkin_outcome.refused.heading"), error_text(error),
                       t("checkin_outcome.refused.next"))
    opens_at = error.params.get("opens_at")
    params = {"opens": fmt.moment(opens_at)} if opens_at is not None else {}
    return Outcome(tone, t(f"checkin_outcome.{error.code}.heading"), error_text(error),
                   t(f"checkin_outcome.{error.code}.next", **params))


def show(outcome: Outcome) -> bool:
    """Draw the panel; True when the volunteer pressed its check-out button."""
    st.html(STYLE)
    with st.container(key=PANEL_KEY.format(tone=outcome.tone)):
        st.title(outcome.heading, anchor=False)
        st.markdown(outcome.detail)
        if outcome.reason:
            st.markdown(t("checkin_outcome.why", reason=outcome.reason))
        st.markdown(t("checkin_outcome.next", step=outcome.next_step))
        return outcome.can_check_out and st.button(t("checkin.check_out"), type="primary", key="check_out")
