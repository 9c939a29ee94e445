"""A community's public page (社区): its CO₂e in the open data, its members who chose to be on the leaderboard,
its upcoming events and the environmental reports its residents filed while they lived there
(points.reports.community_reports). Open to everyone; a signed-in resident lands on their own community."""
import pandas as pd
import streamlit as st

from db.engine import read_session
from points.checkin.listings import upcoming_listings
from points.communities.registry import communities
from points.reports.community_reports import reports_of_community
from points.reports.open_data import community_total
from points.reports.rollups import refresh_rollups
from points.score.leaderboard import board
from ui import auth
from ui.community_reports import community_reports
from ui.district_choice import community_name, district_name
from ui.event_card import event_card
from ui.format import grams, number
from ui.i18n import current_language, t

user = auth.current_user()
st.title(t("nav.community"))
by_id = {community.id: community for community in communities()}
options = list(by_id)
if not options:
    st.info(t("communities.page.none_listed"))
    st.stop()
wanted = st.query_params.get("c") or (user.community if user is not None else None)
names = {key: f"{community_name(key)} · {district_name(community.district)}" for key, community in by_id.items()}
chosen = st.selectbox(t("communities.page.pick"), options, index=options.index(wanted) if wanted in options else 0,
                      format_func=names.__getitem__, key="community_page")
viewer = user.id if user is not None else None
refresh_rollups()  # folds only what is new: the total and the board are current and never sum the ledger
with read_session() as session:
    total = community_total(session, community=chosen)
    members = board(session, period="all", community=chosen, viewer_id=viewer)
    upcoming = upcoming_listings(session, language=current_language(), viewer_id=viewer, community=chosen)
    reports = reports_of_community(session, community=chosen)

st.header(names[chosen])
st.metric(t("communities.page.total"), grams(total))
st.caption(t("communities.page.total_note"))

st.subheader(t("communities.page.members"))
st.caption(t("communities.page.members_note"))
if members.top:
    st.dataframe(pd.DataFrame([{t("score.board.rank"): row.rank,
                                t("score.board.nickname"): row.nickname or t("score.board.anonymous", rank=row.rank),
                                t("score.board.points"): number(row.points)} for row in members.top]),
                 hide_index=True, width="stretch")
else:
    st.write(t("communities.page.no_members"))

st.subheader(t("communities.page.events"))
if not upcoming:
    st.write(t("communities.page.no_events"))
for listing in upcoming:
    event_card(listing, user=user)

community_reports(reports, community=chosen)
