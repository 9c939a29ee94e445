"""Green Egret's entry point.

`streamlit run app.py` finds `app` below and serves it with the custom routes (health, sign-in cookie);
each browser run then executes this same file as the script, which draws the portal.
"""
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from ui.compat import leave_pages_directory_mode
from ui.http_routes import ROUTES
from ui.portal import run_portal, show_unexpected_error
from ui.security_headers import SecurityHeaders


@asynccontextmanager
async def prepare_database(_app):
    """Migrate before the first request; an empty database gets the city's catalogue and places."""
    from points.demo.seed import first_start

    leave_pages_directory_mode()
    first_start()
    yield


app = st.App(__file__, routes=ROUTES, lifespan=prepare_database, on_script_error=show_unexpected_error,
             middleware=[Middleware(SecurityHeaders)])

if __name__ == "__main__":
    run_portal()
