"""Log a green action: pick it, see what it is worth and by which factor, then submit once.

The picker lists the actions by kind (waste, trips, energy, other) and opens on the action the city credits
most often without review (points.reports.popular), so most residents start on the right one.

A self-report is the side path: the preview says what share of the full credit it earns, how a linked partner
or an attendant would earn all of it, and the rule that a day is credited once across channels.
"""
import contextlib
import uuid
from datetime import timedelta

import streamlit as st

from db.engine import read_session
from points.catalogue.actions import CATEGORIES, loggable_actions
from points.catalogue.carbon import INTEGER_UNITS, MAX_QUANTITY
from points.checkin.personal_code import MATERIALS
from points.claims.channels import SelfPreview, self_report_preview
from points.claims.lifecycle import MAX_DAYS_BACK, MAX_NOTE, occurred_at_for, prepare_photo, submit_claim
from points.common.clock import local_day, utcnow
from points.reports.popular import opening_action
from points.reports.rollups import refresh_rollups
from ui import auth
from ui.attempt import attempt, attempt_step
from ui.format import number
from ui.i18n import t
from ui.ledger_text import (
    action_name,
    limits_text,
    outcome_messages,
    preview_text,
    quantity_text,
    source_text,
    unit_label,
)
from ui.nav import page_link


def prefill_from_link(actions: dict) -> None:
    """A trail's "walk this trail" link (?action=trail_walk&quantity=KM&note=...) fills the form once."""
    asked = st.query_params.get("action")
    if asked not in actions:
        return
    st.session_state["log_action"] = asked
    with contextlib.suppress(ValueError):
        st.session_state["log_quantity_decimal"] = min(max(float(st.query_params.get("quantity", 1)), 0.0),
                                                          float(MAX_QUANTITY))
    st.session_state["log_note"] = st.query_params.get("note", "")[:MAX_NOTE]
    for name in ("action", "quantity", "note"):
        st.query_params.pop(name, None)


def grouped(actions: dict) -> dict:
    """The actions in the catalogue's category order (waste, trip, volunteer, energy, other), each named with its
    group, so the list reads as groups and a search for "出行" or "waste" finds the whole group."""
    order = {category: index for index, category in enumerate(CATEGORIES)}
    ordered = sorted(actions.values(), key=lambda action: order[action.category])
    return {action.code: t("landing.picker.option", group=t(f"admin.category.{action.category}"),
                           action=action_name(action)) for action in ordered}


def open_on_the_usual_action(actions: dict) -> None:
    """On opening the page (Streamlit drops the picker's state when another page is shown), unless a link chose
    the action: start on the city's most credited action without review."""
    if "log_action" in st.session_state:
        return
    refresh_rollups()  # the daily rollups the choice reads; folds only what is new
    with read_session() as session:
        usual = opening_action(session, actions=list(actions.values()))
    if usual is not None:
        st.session_state["log_action"] = usual


def share_lines(code: str, preview: SelfPreview, unit: str) -> list[str]:
    """'Self-reported: 50 % of 467 = 233 points', how to earn all of it, and the self-report cap."""
    lines = [t("channels.self_share", share=number(preview.share * 100), full=number(preview.full_points),
               points=number(preview.self_points))]
    lines += [t(f"channels.hint.{kind}") for kind in preview.partner_kinds]
    if code in MATERIALS:  # an attendant's scale is verified data for every station material
        lines.append(t("channels.hint.attendant"))
    if preview.self_cap is not None and preview.daily_cap is not None:
        lines.append(t("channels.self_cap", self_cap=quantity_text(preview.self_cap),
                       cap=quantity_text(preview.daily_cap), unit=unit))
    return lines


def start_over() -> None:
    st.session_state.pop("log_outcome", None)
    st.session_state["log_key"] = f"claim:{uuid.uuid4()}"


user = auth.current_user()
st.title(t("ledger.log_title"))
if "log_key" not in st.session_state:
    start_over()

outcome = st.session_state.get("log_outcome")
if outcome:  # the result replaces the form, so a second click cannot log the same action twice
    for kind, text in outcome:
        getattr(st, kind)(text)
    st.button(t("ledger.log_another"), on_click=start_over, key="log_another")
    page_link("ledger", user.role)
    st.stop()

with read_session() as session:
    actions = {action.code: action for action in loggable_actions(session)}
if not actions:
    st.info(t("ledger.no_actions"))
    st.stop()
prefill_from_link(actions)
open_on_the_usual_action(actions)
names = grouped(actions)  # no session lookup in format_func
code = st.selectbox(t("ledger.action"), list(names), format_func=names.get, help=t("landing.picker.help"),
                    key="log_action")
action = actions[code]
whole = action.unit in INTEGER_UNITS
quantity = st.number_input(t("ledger.quantity", unit=unit_label(action.unit)), min_value=0 if whole else 0.0,
                           max_value=MAX_QUANTITY if whole else float(MAX_QUANTITY), value=1 if whole else 1.0,
                           step=1 if whole else 0.5, key=f"log_quantity_{'whole' if whole else 'decimal'}")
today = local_day(utcnow())
day = st.date_input(t("ledger.date"), value=today, min_value=today - timedelta(days=MAX_DAYS_BACK), max_value=today,
                    help=t("ledger.date_help"), key="log_day")
note = st.text_area(t("ledger.note"), max_chars=MAX_NOTE, key="log_note")
photo = st.file_uploader(t("ledger.photo"), type=["jpg", "jpeg", "png", "webp"], key="log_photo")

if quantity > 0:
    st.info(preview_text(action, quantity))
    if action.self_share < 1:
        with read_session() as session:
            preview = self_report_preview(session, action=action, quantity=float(quantity))
        st.warning(" ".join(share_lines(code, preview, unit_label(action.unit))))
st.caption(source_text(action) + " " + limits_text(action))
st.caption(t("channels.one_credit_rule"))
if action.provisional:
    st.caption(t("ledger.provisional"))

if st.button(t("ledger.submit"), type="primary", key="log_submit"):
    evidence = attempt_step(lambda: prepare_photo(photo.getvalue() if photo else None))  # before the write opens
    if not evidence.ok:
        st.stop()
    result = attempt(lambda session: submit_claim(
        session, user_id=user.id, action_code=code, quantity=float(quantity), occurred_at=occurred_at_for(day),
        idempotency_key=st.session_state["log_key"], note=note, photo=evidence.value))
    if result.ok:
        st.session_state["log_outcome"] = outcome_messages(result.value, action)
        st.rerun()
