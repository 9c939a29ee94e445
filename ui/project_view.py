"""Public projects on the pages: a card with its goal and a progress bar, and a resident's own gifts."""
from functools import partial

import streamlit as st

from db.models import Project, ProjectGift
from points.certificates.issuing import issue_gift
from ui.certificate_view import certificate_download
from ui.format import moment, number, plain
from ui.i18n import localized, t


def progress(project: Project) -> None:
    """The bar and, in words, how far the project is: the bar alone says nothing to a screen reader."""
    share = min(project.raised_points / project.goal_points, 1.0) if project.goal_points else 0.0
    st.progress(share, text=t("projects.progress", raised=number(project.raised_points),
                              goal=number(project.goal_points), percent=number(share * 100)))


def project_card_head(project: Project, *, givers: int) -> None:
    st.subheader(plain(localized(project, "title")))
    st.caption(t(f"projects.status.{project.status}") + " · " + t("projects.givers", n=number(givers)))
    if localized(project, "description"):
        st.write(plain(localized(project, "description")))
    progress(project)


def my_gifts(gifts: list[tuple[ProjectGift, Project]], *, user_id: int) -> None:
    """Each gift with its project and, unless it was given back, its certificate."""
    if not gifts:
        st.write(t("projects.no_gifts"))
    for gift, project in gifts:
        with st.container(border=True):
            st.write(t("projects.gift_line", points=number(gift.points), title=plain(localized(project, "title")),
                       when=moment(gift.created_at)))
            if gift.refunded_at is not None:
                st.caption(t("projects.refunded", when=moment(gift.refunded_at)))
            else:
                certificate_download(partial(issue_gift, user_id=user_id, gift_id=gift.id), name=f"gift-{gift.id}")
