"""How reports read on the resident's and the admins' pages: one line a report, its steps with the after photo,
and the photo a page takes in, cleaned before any write transaction (points.common.images)."""
from collections.abc import Callable

import streamlit as st

from points.claims.lifecycle import prepare_photo
from points.common.images import Photo
from points.problems.views import Trail
from ui.attempt import Outcome, attempt_step
from ui.format import day, moment, number
from ui.i18n import t

PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]


def kind_name(kind: str) -> str:
    return t(f"problems.kind.{kind}")


def status_name(status: str) -> str:
    return t(f"problems.status.{status}")


def header(trail: Trail) -> str:
    report = trail.report
    return t("problems.report.header", id=report.id, kind=kind_name(report.kind), status=status_name(report.status),
             day=day(report.created_at.date()))


def show_steps(trail: Trail, *, viewer_id: int | None, names: Callable[[int | None], str] | None = None) -> None:
    """Every step, oldest first, as plain text: when, what, by whom (the viewer, "city staff", or for admins a
    username), its note as typed, and a fix's after photo."""
    for step in trail.steps:
        who = (names(step.actor_id) if names else t("problems.step.by_you") if step.actor_id == viewer_id
               else t("problems.step.by_staff"))
        st.text(t("problems.step.line", when=moment(step.created_at), step=t(f"problems.step.{step.action}"), who=who))
        if step.note:
            st.text(step.note)
        if step.photo:
            st.image(step.photo, caption=t("problems.step.after_photo"), width=240)
    st.caption(t("problems.report.residents", n=number(trail.residents)))


def cleaned_photo(upload) -> Outcome[Photo | None]:
    """The uploaded photo judged and re-encoded now, outside any transaction; a refusal is shown where it is."""
    return attempt_step(lambda: prepare_photo(upload.getvalue() if upload is not None else None))
