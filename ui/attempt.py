"""One domain write from a page, in a transaction of its own (or a step that needs none of ours).

Why one helper: every form ends the same way. The write commits whole or not at all, and a refusal
(DomainError) is shown translated where the form is, never as a traceback. Pages then say only what
success looks like.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import streamlit as st
from sqlmodel import Session

from db.engine import write_session
from points.common.errors import DomainError
from points.common.metrics import REFUSALS
from ui.i18n import error_text

T = TypeVar("T")
K = TypeVar("K")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    ok: bool
    value: T | None = None


def attempt_step(step: Callable[[], T]) -> Outcome[T]:
    """Run `step()`, which opens no transaction of ours (slow work before a write, or a domain call that owns
    its transactions); on a refusal show its message where the form is."""
    try:
        return Outcome(True, step())
    except DomainError as error:
        REFUSALS.labels(code=error.code).inc()
        st.error(error_text(error))
        return Outcome(False)


def attempt(write: Callable[[Session], T]) -> Outcome[T]:
    """Run `write(session)` and commit; on a refusal show its message and write nothing."""
    def committed() -> T:
        with write_session() as session:
            return write(session)

    return attempt_step(committed)


def attempt_each(write: Callable[[Session, K], object], keys: Iterable[K]) -> dict[K, DomainError | None]:
    """Run `write(session, key)` for each key in a transaction of its own, as a bulk decision does: a refusal
    (an admin's own claim among those chosen) stops only its key and is returned, for the page to say which."""
    refusals: dict[K, DomainError | None] = {}
    for key in keys:
        try:
            with write_session() as session:
                write(session, key)
            refusals[key] = None
        except DomainError as error:
            refusals[key] = error
    return refusals
