"""Ledger browser: filtered pages from the database, a resident's statement, integrity check, export, adjust."""
import uuid

import streamlit as st

from db.engine import read_session
from points.catalogue.actions import list_current
from points.common.errors import DomainError
from points.ledger.adjustments import adjust
from points.ledger.browser import COUNT_UP_TO, STATUSES, LedgerFilter, browse, count, resident_balance
from points.ledger.chain import KINDS
from points.ledger.verify import verify_integrity
from ui import format as fmt
from ui.admin_view import every, export_link, labels, pager, staff_user
from ui.attempt import attempt
from ui.i18n import error_text, localized, t

user, can_change = staff_user()
st.title(t("nav.admin-ledger"))
if message := st.session_state.pop("ledger_message", None):
    st.success(message)

with read_session() as session:
    action_names = {action.code: localized(action) for action in list_current(session)}
row1 = st.columns(3)
username = row1[0].text_input(t("admin.ledger.resident"), key="ledger_user")
action_labels = labels(["", *action_names], lambda code: action_names[code] if code else t("admin.all"))
action_code = row1[1].selectbox(t("admin.ledger.action"), list(action_labels), key="ledger_action",
                                format_func=action_labels.get)
kind_labels = labels(["", *KINDS], every("admin.kind."))
kind = row1[2].selectbox(t("admin.ledger.kind"), list(kind_labels), key="ledger_kind", format_func=kind_labels.get)
row2 = st.columns(3)
status_labels = labels(["", *STATUSES], every("admin.ledger.status_"))
status = row2[0].selectbox(t("admin.ledger.status"), list(status_labels), key="ledger_status",
                           format_func=status_labels.get)
date_from = row2[1].date_input(t("admin.ledger.from"), value=None, key="ledger_from")
date_to = row2[2].date_input(t("admin.ledger.to"), value=None, key="ledger_to")
filters = LedgerFilter(username=username, action_code=action_code, kind=kind, status=status,
                       date_from=date_from, date_to=date_to)

if st.session_state.get("ledger_filters") != filters:  # a new filter starts again at the newest page
    st.session_state["ledger_filters"], st.session_state["ledger_cursors"] = filters, [None]
cursors = st.session_state["ledger_cursors"]
try:
    with read_session() as session:
        rows, next_cursor = browse(session, actor_id=user.id, filters=filters, before_id=cursors[-1])
        balance = resident_balance(session, actor_id=user.id, username=username) if username.strip() else None
except DomainError as error:
    st.error(error_text(error))
    st.stop()

if balance is not None:
    st.info(t("admin.ledger.statement", points=fmt.number(balance.points), co2e=fmt.grams(balance.co2e_g),
              entries=fmt.number(balance.last_seq)))
st.dataframe([{t("admin.ledger.col_id"): row.entry.id, t("admin.ledger.col_user"): row.username,
               t("admin.ledger.col_seq"): row.entry.seq, t("admin.ledger.col_kind"): t(f"admin.kind.{row.entry.kind}"),
               t("admin.ledger.col_points"): row.entry.points, t("admin.ledger.col_co2e"): row.entry.co2e_g,
               t("admin.ledger.col_action"): action_names.get(row.entry.action_code or "", row.entry.action_code or ""),
               t("events_ui.ledger_col_claim"): row.entry.claim_id,
               t("admin.ledger.col_reason"): row.entry.reason or "",
               t("admin.ledger.col_when"): fmt.moment(row.entry.created_at)} for row in rows],
             hide_index=True, key="ledger_table",  # "#12", as the review queue names claims
             column_config={t("events_ui.ledger_col_claim"): st.column_config.NumberColumn(format="#%d")})
if not rows:
    st.caption(t("admin.no_data"))
pager(cursors, next_cursor, key="ledger")

st.subheader(t("admin.ledger.integrity"))
if st.button(t("admin.ledger.verify"), key="ledger_verify"):
    with read_session() as session:
        report = verify_integrity(session, actor_id=user.id)
    if report.ok:
        st.success(t("admin.ledger.verify_ok", entries=fmt.number(report.entries), users=fmt.number(report.users)))
    else:
        bad = report.first_bad
        st.error(t("admin.ledger.verify_bad", user=bad.user_id, seq=bad.seq, problem=bad.problem))

st.subheader(t("admin.ledger.export"))
with read_session() as session:
    total = count(session, actor_id=user.id, filters=filters)
st.caption(t("admin.ledger.export_rows", total=fmt.number(total)) if total <= COUNT_UP_TO
           else t("admin.ledger.export_rows_many", total=fmt.number(COUNT_UP_TO)))
st.link_button(t("admin.ledger.export_download"), export_link(filters), icon=":material/download:")

if can_change:
    st.subheader(t("admin.ledger.adjust"))
    request_id = st.session_state.setdefault("adjust_request", str(uuid.uuid4()))
    with st.form("adjust"):
        target = st.text_input(t("admin.ledger.resident"), key="adjust_user")
        points = st.number_input(t("admin.ledger.adjust_points"), step=1, value=0, key="adjust_points")
        reason = st.text_input(t("admin.reason_required"), max_chars=400, key="adjust_reason")
        if st.form_submit_button(t("admin.ledger.adjust_submit")) and attempt(
                lambda session: adjust(session, actor_id=user.id, username=target, points=int(points), reason=reason,
                                       request_id=request_id)).ok:
            del st.session_state["adjust_request"]
            st.session_state["ledger_message"] = t("admin.ledger.adjusted", points=int(points), user=target)
            st.rerun()
