"""The resident's statement as cards, and the receipt's hashes behind "Details" (issue 14: on a 390 px phone the
ten-column table and the two 64-character hashes ran off the screen)."""
import streamlit as st

from points.catalogue.wording import source_in
from points.ledger.statement import StatementRow
from ui.format import grams, moment, number, plain
from ui.i18n import current_language, t
from ui.ledger_text import action_name, channel_text, factor_text, quantity_text, unit_label

HASH_GROUP = 16  # characters between spaces: a hash wraps on a phone instead of widening the page


def grouped(digest: str) -> str:
    return " ".join(digest[start:start + HASH_GROUP] for start in range(0, len(digest), HASH_GROUP))


def _facts(row: StatementRow) -> list[str]:
    """What the table's short columns said, in reading order, empty ones left out."""
    entry, action = row.entry, row.action
    quantity = (f"{quantity_text(entry.quantity)} {unit_label(action.unit, entry.quantity)}"
                if action and entry.quantity else "")
    return [part for part in (t(f"ledger.kind.{entry.kind}"),
                              t(f"ledger.status.{row.claim_status}") if row.claim_status else "",
                              channel_text(row.channel, plain(row.partner_name) if row.partner_name else None),
                              quantity, grams(entry.co2e_g)) if part]


def statement_card(row: StatementRow) -> None:
    entry, action = row.entry, row.action
    with st.container(border=True):
        st.markdown(f"**{plain(action_name(action)) if action else plain(entry.reason or '')}**")
        st.write(t("ledger.receipt_line", seq=entry.seq, when=moment(entry.created_at), points=number(entry.points)))
        st.write(" · ".join(_facts(row)))
        if action:
            source = plain(source_in(action, current_language())[:60])
            st.write(f"{t('ledger.col.factor')}: {factor_text(action)} · {source} · v{action.version}")


def hash_details(prev_hash: str, digest: str) -> None:
    with st.expander(t("events_ui.statement_details")):
        st.write(t("ledger.prev_hash"))
        st.code(grouped(prev_hash), language=None, wrap_lines=True)
        st.write(t("ledger.hash"))
        st.code(grouped(digest), language=None, wrap_lines=True)
        st.write(t("ledger.hash_help"))
