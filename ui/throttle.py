"""Work a page may repeat only now and then: Streamlit reruns the whole script on every click."""
import time

import streamlit as st


def due(name: str, every_seconds: float) -> bool:
    """True on the first run of a browser session, then at most once per `every_seconds`."""
    key = f"due_{name}"
    if time.monotonic() - st.session_state.get(key, float("-inf")) < every_seconds:
        return False
    st.session_state[key] = time.monotonic()
    return True
