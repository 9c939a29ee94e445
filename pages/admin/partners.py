"""Partners (admins only): register a partner system and show its secret once, rotate its key with an overlap,
enable or disable it, change what it may report and its rate limit; read per day what each partner sent
(received, credited, duplicates, refusals by reason, points) and the days far above its usual volume."""
from datetime import timedelta

import streamlit as st

from db.engine import read_session
from points.catalogue.actions import list_current
from points.common.roles import ADMIN, require_role
from points.partners.reconciliation import REFUSED, partner_spikes, reconciliation
from points.partners.registry import (
    DEFAULT_OVERLAP,
    MAX_OVERLAP,
    MAX_RATE_LIMIT,
    PARTNER_KINDS,
    IssuedKey,
    create_partner,
    key_created,
    list_partners,
    rotate_key,
    update_partner,
)
from ui import auth
from ui.admin_view import labels
from ui.attempt import attempt
from ui.format import moment, number, plain
from ui.i18n import current_language, localized, t
from ui.linked_accounts import kind_text

MAX_OVERLAP_HOURS = int(MAX_OVERLAP.total_seconds() // 3600)
user = auth.current_user()
language = current_language()  # read now: format_funcs may run outside this run
with read_session() as session:
    require_role(session, user.id, ADMIN)  # the menu shows the page to admins only; a stale session is refused too
    partners = {partner.id: partner for partner in list_partners(session)}
    keys = key_created(session)
    action_names = {action.code: localized(action, language=language) for action in list_current(session)}
    tallies = reconciliation(session)
    spikes = partner_spikes(session)
kinds = labels(PARTNER_KINDS, kind_text)

st.title(t("nav.partners"))
if issued := st.session_state.pop("partners_secret", None):  # popped: the secret is on screen for this run only
    st.warning(t("partners_ui.admin.secret_once", partner=plain(issued["name"]), partner_id=issued["id"]))
    st.code(issued["secret"], language=None)
if message := st.session_state.pop("partners_message", None):
    st.success(message)
for spike in spikes:
    st.warning(t("partners_ui.admin.spike", partner=plain(spike.partner_name), day=spike.day,
                 received=number(spike.received), usual=number(spike.usual, 1)))


def done(message: str, secret: IssuedKey | None = None) -> None:
    """After a write: say what happened (and show a new secret) on the next run, which reads the new state."""
    st.session_state["partners_message"] = message
    if secret is not None:
        st.session_state["partners_secret"] = {"name": secret.partner.name, "id": secret.partner.id,
                                               "secret": secret.secret}
    st.rerun()


def actions_text(codes: list[str]) -> str:
    return ", ".join(action_names.get(code, code) for code in codes)


st.dataframe([{t("partners_ui.admin.name"): p.name, t("partners_ui.admin.id"): p.id, t("partners_ui.admin.kind"):
               kinds.get(p.kind, p.kind), t("partners_ui.admin.actions"): actions_text(p.actions),
               t("partners_ui.admin.status"): t(f"partners_ui.status.{p.status}"),
               t("partners_ui.admin.rate_limit"): p.rate_limit_per_minute,
               t("partners_ui.admin.key_created"): moment(keys[p.id]) if p.id in keys else ""}
              for p in partners.values()], hide_index=True, key="partners_table")
if not partners:
    st.caption(t("admin.no_data"))

with st.expander(t("partners_ui.admin.create"), expanded=not partners), st.form("partner_create"):
    name = st.text_input(t("partners_ui.admin.name"), max_chars=64, key="partner_name")
    kind = st.selectbox(t("partners_ui.admin.kind"), PARTNER_KINDS, format_func=kinds.get, key="partner_kind")
    chosen = st.multiselect(t("partners_ui.admin.actions"), list(action_names), format_func=action_names.get,
                            key="partner_actions")
    rate = st.number_input(t("partners_ui.admin.rate_limit"), min_value=1, max_value=MAX_RATE_LIMIT, value=120,
                           step=1, key="partner_rate")
    if st.form_submit_button(t("partners_ui.admin.create_button")):
        created = attempt(lambda session: create_partner(session, actor_id=user.id, name=name, kind=kind,
                                                         actions=chosen, rate_limit_per_minute=int(rate)))
        if created.ok:
            done(t("partners_ui.admin.created", partner=plain(created.value.partner.name)), created.value)

if partners:
    st.subheader(t("partners_ui.admin.manage"))
    picked = st.selectbox(t("partners_ui.admin.pick"), list(partners), key="partner_pick",
                          format_func=lambda pid: partners[pid].name)
    partner = partners[picked]
    with st.form(f"partner_edit_{partner.id}"):
        allowed = st.multiselect(t("partners_ui.admin.actions"), list(action_names), format_func=action_names.get,
                                 default=[code for code in partner.actions if code in action_names],
                                 key=f"partner_edit_actions_{partner.id}")
        limit = st.number_input(t("partners_ui.admin.rate_limit"), min_value=1, max_value=MAX_RATE_LIMIT,
                                value=partner.rate_limit_per_minute, step=1, key=f"partner_edit_rate_{partner.id}")
        if st.form_submit_button(t("partners_ui.admin.save")) and attempt(
                lambda session: update_partner(session, actor_id=user.id, partner_id=partner.id, actions=allowed,
                                               rate_limit_per_minute=int(limit))).ok:
            done(t("partners_ui.admin.saved", partner=plain(partner.name)))
    enable = partner.status != "active"
    if st.button(t("partners_ui.admin.enable" if enable else "partners_ui.admin.disable"),
                 key="partner_status") and attempt(
            lambda session: update_partner(session, actor_id=user.id, partner_id=partner.id,
                                           status="active" if enable else "disabled")).ok:
        done(t("partners_ui.admin.enabled" if enable else "partners_ui.admin.disabled", partner=plain(partner.name)))
    hours = st.number_input(t("partners_ui.admin.overlap"), min_value=0, max_value=MAX_OVERLAP_HOURS, step=1,
                            value=int(DEFAULT_OVERLAP.total_seconds() // 3600), key="partner_overlap",
                            help=t("partners_ui.admin.overlap_help"))
    if st.button(t("partners_ui.admin.rotate"), key="partner_rotate"):
        rotated = attempt(lambda session: rotate_key(session, actor_id=user.id, partner_id=partner.id,
                                                     overlap=timedelta(hours=int(hours))))
        if rotated.ok:
            done(t("partners_ui.admin.rotated", partner=plain(partner.name), hours=int(hours)), rotated.value)

st.subheader(t("partners_ui.admin.reconciliation"))
st.caption(t("partners_ui.admin.reconciliation_help"))
st.dataframe([{t("partners_ui.admin.day"): tally.day, t("partners_ui.admin.name"): tally.partner_name,
               t("partners_ui.admin.received"): tally.received, t("partners_ui.outcome.credited"): tally.credited,
               t("partners_ui.outcome.duplicate"): tally.duplicate,
               **{t(f"partners_ui.outcome.{reason}"): tally.refused.get(reason, 0) for reason in REFUSED},
               t("partners_ui.admin.points"): tally.points} for tally in tallies],
             hide_index=True, key="partners_reconciliation")
if not tallies:
    st.caption(t("admin.no_data"))
