"""My ledger: a paged statement, one card an entry (ui.statement_card) with its factor and source and the channel it
came by (typed by me, a QR check-in, an attendant, a partner), a CSV download and a verifiable receipt."""
from functools import partial

import streamlit as st

from db.engine import read_session
from points.ledger.statement import seq_of_entry, statement_csv, statement_page
from points.ledger.verify import verify_user
from ui import auth
from ui.downloads import download_on_click
from ui.format import moment, number, plain
from ui.i18n import t
from ui.ledger_text import channel_text
from ui.statement_card import hash_details, statement_card

user = auth.current_user()
st.title(t("ledger.statement_title"))
with read_session() as session:
    first = statement_page(session, user_id=user.id, page=1)
if first.total == 0:
    st.info(t("ledger.no_entries_yet"))
    st.stop()

page_number = st.number_input(t("ledger.page"), min_value=1, max_value=first.pages, value=1, step=1,
                              key="ledger_page") if first.pages > 1 else 1
if page_number == first.page:
    page = first  # page 1 was read above to count the pages
else:
    with read_session() as session:
        page = statement_page(session, user_id=user.id, page=page_number)

st.caption(t("ledger.page_of", page=page.page, pages=page.pages, total=page.total))
for row in page.rows:
    statement_card(row)
download_on_click(t("ledger.download_csv"), partial(statement_csv, user_id=user.id),
                  file_name=f"green-egret-{user.username}.csv", mime="text/csv", key="ledger_csv")

st.subheader(t("ledger.receipt"))
on_page = {row.entry.seq: row for row in page.rows}
picked = on_page[st.selectbox(t("ledger.receipt_pick"), list(on_page), key="ledger_receipt")]
entry = picked.entry
with read_session() as session:
    original = seq_of_entry(session, entry_id=entry.original_entry_id) if entry.original_entry_id else None
st.write(t("ledger.receipt_line", seq=entry.seq, when=moment(entry.created_at), points=number(entry.points)))
if picked.channel:  # Markdown: the partner's name escaped, not the words around it
    partner_name = plain(picked.partner_name) if picked.partner_name else None
    st.write(t("partners_ui.receipt_channel", channel=channel_text(picked.channel, partner_name)))
if original is not None:
    st.write(t("ledger.reverses", seq=original, reason=entry.reason or ""))
hash_details(entry.prev_hash, entry.hash)
if st.button(t("ledger.verify_mine"), key="ledger_verify"):
    with read_session() as session:
        report = verify_user(session, user_id=user.id)
    if report.ok:
        st.success(t("ledger.verify_ok", entries=number(report.entries)))
    else:
        st.error(t("ledger.verify_bad", seq=report.first_bad.seq,
                   problem=t(f"ledger.problem.{report.first_bad.problem}")))
