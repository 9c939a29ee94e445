"""The account page's "Linked accounts": a resident links a partner account (metro card, recycling machine) by
consent, sees what each link shares, unlinks it, and reads the whole consent history.

Consent is asked per partner, in the resident's language, saying what is shared, for what and until when (PIPL):
ticking "I agree" and asking for a code is the consent, recorded by points.partners.links.issue_link_code with
the text's version. The code is shown once, large, with its expiry; it stays on screen (session state) until it
expires or the partner has used it, so a rerun does not lose it.
"""
from datetime import datetime

import streamlit as st

from db.engine import read_session
from db.models import Partner
from points.catalogue.actions import list_current
from points.common.clock import utcnow
from points.partners.links import (
    CODE_LIFETIME,
    CONSENT_VERSION,
    LinkView,
    consent_history,
    issue_link_code,
    linkable_partners,
    links_of,
    unlink,
)
from ui.attempt import attempt
from ui.format import moment, plain
from ui.i18n import current_language, localized, t

CODE_KEY = "partners_ui_code"  # session state: the code just issued, {partner_id, partner, code, expires_at}
DONE_KEY = "partners_ui_done"  # session state: what to confirm after the rerun that follows a write


def kind_text(kind: str) -> str:
    return t(f"partners_ui.kind.{kind}")


def method_text(method: str) -> str:
    return t(f"partners_ui.method.{method}")


def _actions_text(codes: list[str], names: dict[str, str]) -> str:
    return t("partners_ui.list_separator").join(names.get(code, code) for code in codes)


def consent_text(partner: Partner, actions: str) -> str:
    """Who sends, what is shared, for what, until when: the text the resident agrees to (Markdown; the partner's
    name and the action names escaped)."""
    return t("partners_ui.consent.text", partner=plain(partner.name), kind=kind_text(partner.kind),
             actions=plain(actions), minutes=int(CODE_LIFETIME.total_seconds() // 60))


def _show_code(pending: dict, now: datetime) -> None:
    """The code just issued, large, with its expiry and where to enter it; gone once expired."""
    if pending["expires_at"] <= now:
        st.session_state.pop(CODE_KEY, None)
        st.warning(t("partners_ui.code.expired", partner=plain(pending["partner"])))
        return
    with st.container(border=True, key="link_code_box"):
        st.metric(t("partners_ui.code.label", partner=plain(pending["partner"])), pending["code"])
        st.markdown(t("partners_ui.code.instructions", partner=plain(pending["partner"]),
                      until=moment(pending["expires_at"]), minutes=int(CODE_LIFETIME.total_seconds() // 60)))


def _issue(user, partner: Partner) -> None:
    now = utcnow()
    issued = attempt(lambda session: issue_link_code(session, user_id=user.id, partner_id=partner.id, now=now))
    if issued.ok:
        st.session_state[CODE_KEY] = {"partner_id": partner.id, "partner": partner.name, "code": issued.value,
                                      "expires_at": now + CODE_LIFETIME}
        st.rerun()


def _offer(user, partner: Partner, names: dict[str, str]) -> None:
    """One partner not linked yet: its consent text, "I agree", and the button that issues the code."""
    with st.expander(f"{plain(partner.name)} · {kind_text(partner.kind)}"):
        st.markdown(consent_text(partner, _actions_text(partner.actions, names)))
        st.caption(t("partners_ui.consent.version", version=CONSENT_VERSION))
        agreed = st.checkbox(t("partners_ui.consent.agree"), key=f"link_agree_{partner.id}")
        if st.button(t("partners_ui.code.issue"), key=f"link_issue_{partner.id}", type="primary",
                     disabled=not agreed):
            _issue(user, partner)


def _active(user, link: LinkView, names: dict[str, str]) -> None:
    """A link that credits now: its partner, account id, consent, what it shares, and unlinking (confirmed)."""
    with st.container(border=True, key=f"link_active_{link.partner_id}"):
        st.markdown(t("partners_ui.link.line", partner=plain(link.partner_name), kind=kind_text(link.partner_kind),
                      subject=plain(link.subject), when=moment(link.consent_given_at),
                      method=method_text(link.method)))
        st.caption(t("partners_ui.link.shares", actions=plain(_actions_text(link.actions, names))))
        sure = st.checkbox(t("partners_ui.unlink.confirm", partner=plain(link.partner_name)),
                           key=f"unlink_sure_{link.partner_id}")
        if st.button(t("partners_ui.unlink.button"), key=f"unlink_{link.partner_id}", disabled=not sure) and attempt(
                lambda session: unlink(session, user_id=user.id, partner_id=link.partner_id, actor_id=user.id)).ok:
            st.session_state[DONE_KEY] = t("partners_ui.unlink.done", partner=plain(link.partner_name))
            st.rerun()


def _history_row(item: dict) -> dict:
    details = item.get("subject") or item.get("operator") or ""
    if item["event"] == "withdrawn" and item.get("by") == "admin":
        details = t("partners_ui.history.by_admin", subject=details)
    return {t("partners_ui.history.when"): moment(datetime.fromisoformat(item["at"])),
            t("partners_ui.history.partner"): item["partner"],
            t("partners_ui.history.event"): t(f"partners_ui.history.{item['event']}"),
            t("partners_ui.history.method"): method_text(item["method"]) if item.get("method") else "",
            t("partners_ui.history.details"): details}


def _history(history: list[dict]) -> None:
    st.markdown(f"**{t('partners_ui.history.title')}**")
    if not history:
        st.caption(t("partners_ui.history.none"))
        return
    st.dataframe([_history_row(item) for item in reversed(history)], hide_index=True, width="stretch",
                 key="consent_history")


def linked_accounts(user) -> None:
    """The whole section, for a resident."""
    language = current_language()
    with read_session() as session:
        links = links_of(session, user_id=user.id)
        partners = linkable_partners(session)
        history = consent_history(session, user_id=user.id)
        names = {action.code: localized(action, language=language) for action in list_current(session)}
    st.subheader(t("partners_ui.title"))
    st.caption(t("partners_ui.intro"))
    if done := st.session_state.pop(DONE_KEY, None):
        st.success(done)
    active = [link for link in links if link.withdrawn_at is None]
    linked_ids = {link.partner_id for link in active}
    pending = st.session_state.get(CODE_KEY)
    if pending and pending["partner_id"] in linked_ids:  # the partner used it: the link below says so
        st.session_state.pop(CODE_KEY)
    elif pending:
        _show_code(pending, utcnow())
    for link in active:
        _active(user, link, names)
    offers = [partner for partner in partners if partner.id not in linked_ids]
    if offers:
        st.markdown(f"**{t('partners_ui.offer.title')}**")
    for partner in offers:
        _offer(user, partner, names)
    if not active and not offers:
        st.caption(t("partners_ui.offer.none"))
    _history(history)
