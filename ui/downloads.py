"""Download buttons whose file is built on click, not on every rerun of the page that shows them."""
from collections.abc import Callable

import streamlit as st
from sqlmodel import Session

from db.engine import read_session


def download_on_click(label: str, build: Callable[[Session], str | bytes], **kwargs) -> None:
    """st.download_button with `build(session)` run only when clicked, in its own read session: Streamlit
    calls it on another thread after this run's sessions are closed, so it can't borrow one of them."""
    def data() -> str | bytes:
        with read_session() as session:
            return build(session)

    st.download_button(label, data=data, **kwargs)
