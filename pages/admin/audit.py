"""Audit log: every admin and organizer action with who, what, when, before and after (read-only)."""
import json

import streamlit as st

from db.engine import read_session
from points.audit.view import browse_audit
from ui import format as fmt
from ui.admin_view import pager, staff_user
from ui.i18n import t

user, _ = staff_user()
st.title(t("nav.audit"))
left, right = st.columns(2)
action = left.text_input(t("admin.audit.action"), key="audit_action", help=t("admin.audit.action_help"))
actor = right.text_input(t("admin.audit.actor"), key="audit_actor")
filters = (action, actor)
if st.session_state.get("audit_filters") != filters:
    st.session_state["audit_filters"], st.session_state["audit_cursors"] = filters, [None]
cursors = st.session_state["audit_cursors"]
with read_session() as session:
    rows, next_cursor = browse_audit(session, actor_id=user.id, action=action, username=actor,
                                     before_id=cursors[-1])


def shown(values: dict | None) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else ""


st.dataframe([{t("admin.audit.when"): fmt.moment(row.created_at), t("admin.audit.actor"): name,
               t("admin.audit.action"): row.action, t("admin.audit.target"): f"{row.target_type} {row.target_id}",
               t("admin.audit.before"): shown(row.before), t("admin.audit.after"): shown(row.after)}
              for row, name in rows], hide_index=True, key="audit_table")
if not rows:
    st.caption(t("admin.no_data"))
pager(cursors, next_cursor, key="audit")
