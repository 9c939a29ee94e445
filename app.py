"""Green Egret's entry point.

`streamlit run app.py` finds `app` below and serves it with the custom routes (health, sign-in cookie);
each browser run then executes this same file as the script, which draws the portal.
"""
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from ui.http_routes import ROUTES
from ui.portal import run_portal, show_unexpected_error
from ui.security_headers import SecurityHeaders


@asynccontextmanager
async def prepare_database(_app):
    """Migrate before the first request; an empty database gets the city's catalogue and places."""
    from streamlit.runtime.pages_manager import PagesManager

    from points.demo.seed import first_start

    # With a pages/ folder beside app.py, Streamlit runs the very first session in legacy pages-folder mode
    # until st.navigation has been called once, so the first visitor of any deep link (a QR check-in) was
    # told "Page not found". The portal never uses that mode: switch it off before anyone connects.
    PagesManager.uses_pages_directory = False
    first_start()
    yield


app = st.App(__file__, routes=ROUTES, lifespan=prepare_database, on_script_error=show_unexpected_error,
             middleware=[Middleware(SecurityHeaders)])

if __name__ == "__main__":
    run_portal()
