"""Review queue: pending claims with their evidence and check-ins held before any claim, decided one by one or in
bulk under one count, and anomaly flags."""
import streamlit as st

from db.engine import read_session
from points.catalogue.actions import list_current
from points.review.held import decide_checkin, held_checkins
from points.review.queue import (
    FLAG_OUTCOMES,
    SOURCES,
    close_flag,
    decide,
    open_flags,
    pending_claims,
    refresh_flags,
)
from ui import format as fmt
from ui.admin_view import every, known_label, labels, reason_input, staff_user
from ui.attempt import attempt, attempt_each
from ui.checkin_outcome import reason_text
from ui.i18n import current_language, error_text, t
from ui.throttle import due

FLAG_SCAN_EVERY_SECONDS = 60

user, can_change = staff_user()
st.title(t("nav.review"))
for kind, message in st.session_state.pop("review_messages", []):
    getattr(st, kind)(message)
if can_change and due("flag_scan", FLAG_SCAN_EVERY_SECONDS):  # not on every click: it scans the ledger
    refresh_flags(actor_id=user.id)

with read_session() as session:
    actions = {action.code: action.name_zh if current_language() == "zh" else action.name_en
               for action in list_current(session)}
left, right = st.columns(2)
action_labels = {"": t("admin.all"), **actions}
action_code = left.selectbox(t("admin.review.action"), list(action_labels), key="review_action",
                             format_func=action_labels.get)
source_labels = labels(["", *SOURCES], every("admin.review.source_"))
source = right.selectbox(t("admin.review.source"), list(source_labels), key="review_source",
                         format_func=source_labels.get)
with read_session() as session:
    queue = pending_claims(session, actor_id=user.id, action_code=action_code, source=source)
    held = held_checkins(session, actor_id=user.id, action_code=action_code, source=source)
    flags = open_flags(session, actor_id=user.id)


def why(claim) -> str:
    """A claim's reason for review in words: a check-in's hold reason, or the queue's own reasons."""
    return reason_text(claim.status_reason) if claim.checkpoint_id else known_label("admin.review.reason_code",
                                                                                     claim.status_reason)


st.subheader(t("admin.review.pending", count=len(queue) + len(held)))
with st.form("review_decision"):
    chosen: list[tuple[str, int]] = []  # ("claim" or "checkin", id)
    for held_item in held:
        checkin = held_item.checkin
        title = held_item.checkpoint.title_zh if current_language() == "zh" else held_item.checkpoint.title_en
        with st.container(border=True):
            if st.checkbox(t("checkin_outcome.review_held_item", id=checkin.id, user=held_item.username,
                             title=fmt.plain(title), day=fmt.moment(checkin.checked_in_at)),
                           key=f"pick_checkin_{checkin.id}", disabled=not can_change):
                chosen.append(("checkin", checkin.id))
            st.caption(t("checkin_outcome.review_held_why", reason=reason_text(checkin.flag or "checkin")))
    for item in queue:
        claim = item.claim
        label = t("admin.review.item", id=claim.id, user=item.username, action=actions.get(claim.action_code,
                  claim.action_code), quantity=fmt.number(claim.quantity, 2), day=claim.local_day)
        with st.container(border=True):
            if st.checkbox(label, key=f"pick_{claim.id}", disabled=not can_change):
                chosen.append(("claim", claim.id))
            if claim.status_reason:
                st.caption(t("admin.review.why", reason=why(claim)))
            if item.checkpoint is not None:
                title = item.checkpoint.title_zh if current_language() == "zh" else item.checkpoint.title_en
                st.caption(t("admin.review.checkpoint", title=fmt.plain(title)))
            if claim.note:
                st.text(claim.note)
            if claim.photo:
                st.image(claim.photo, width=240)
    if not queue and not held:
        st.caption(t("admin.review.empty"))
    reason = reason_input("review", required=False)
    approve_column, reject_column = st.columns(2)
    approve = approve_column.form_submit_button(t("admin.review.approve"), disabled=not can_change)
    reject = reject_column.form_submit_button(t("admin.review.reject"), disabled=not can_change)
if (approve or reject) and can_change:
    if not chosen:
        st.warning(t("admin.review.choose_first"))
    else:
        def decide_one(session, picked: tuple[str, int]):
            kind, item_id = picked
            if kind == "checkin":
                return decide_checkin(session, actor_id=user.id, checkin_id=item_id, approve=approve,
                                      reason=reason or None)
            return decide(session, actor_id=user.id, claim_id=item_id, approve=approve, reason=reason or None)

        outcomes = attempt_each(decide_one, chosen)
        done = [picked for picked, error in outcomes.items() if error is None]
        messages = [("success", t("admin.review.done_approved" if approve else "admin.review.done_rejected",
                                  count=len(done)))] if done else []
        messages += [("error", f"#{item_id}: {error_text(error)}") for (_, item_id), error in outcomes.items() if error]
        st.session_state["review_messages"] = messages
        st.rerun()


def flag_label(kind: str) -> str:
    """A flag's kind in words; a check-in's hold (checkin_over_capacity…) reads as its reason."""
    return reason_text(kind) if kind.startswith("checkin_") else known_label("admin.flag", kind)


st.subheader(t("admin.review.flags", count=len(flags)))
flag_kinds = labels(["", *sorted({item.flag.kind for item in flags})],
                    lambda code: flag_label(code) if code else t("admin.all"))
flag_kind = st.selectbox(t("admin.review.flag_kind"), list(flag_kinds), format_func=flag_kinds.get, key="flag_kind")
if flag_kind:
    with read_session() as session:
        flags = open_flags(session, actor_id=user.id, kind=flag_kind)
if flags:
    st.dataframe([{t("admin.review.flag_id"): item.flag.id,
                   t("admin.review.flag_kind"): flag_label(item.flag.kind),
                   t("admin.review.flag_user"): item.username, t("admin.review.flag_detail"): item.flag.detail,
                   t("admin.review.flag_when"): fmt.moment(item.flag.created_at)} for item in flags],
                 hide_index=True, key="flags_table")
    if can_change:
        with st.form("close_flag"):
            flag_id = st.selectbox(t("admin.review.flag_id"), [item.flag.id for item in flags], key="flag_pick")
            outcome_labels = labels(FLAG_OUTCOMES, lambda code: t(f"admin.review.flag_{code}"))
            outcome = st.radio(t("admin.review.flag_outcome"), FLAG_OUTCOMES, horizontal=True,
                               format_func=outcome_labels.get, key="flag_outcome")
            flag_reason = reason_input("flag", required=True)
            if st.form_submit_button(t("admin.review.flag_close")) and attempt(
                    lambda session: close_flag(session, actor_id=user.id, flag_id=flag_id, outcome=outcome,
                                               reason=flag_reason)).ok:
                st.session_state["review_messages"] = [("success", t("admin.review.flag_closed", id=flag_id))]
                st.rerun()
else:
    st.caption(t("admin.review.no_flags"))
