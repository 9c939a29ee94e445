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
async def start_up(_app):
    """Before the first request: the portal's log lines become JSON (ui/json_logs.py), migrate (an empty database
    gets the city's catalogue and places), then warm the imports and caches the pages need, so a cold QR scan draws
    its outcome at once (ui/warmup.py), and, when SMTP is set up, start the process's mail sender thread (here, so
    that it never runs inside a page's script run: points/inbox/sender.py)."""
    from db.config import get_settings
    from points.demo.seed import first_start
    from points.inbox.sender import start_sender
    from ui.json_logs import configure_json_logs
    from ui.warmup import warm_up

    logger = configure_json_logs()
    leave_pages_directory_mode()
    first_start()
    modules = warm_up() if get_settings().warm_up else 0
    start_sender()
    logger.info("portal started", extra={"warmed_modules": modules})
    yield


app = st.App(__file__, routes=ROUTES, lifespan=start_up, on_script_error=show_unexpected_error,
             middleware=[Middleware(SecurityHeaders)])

if __name__ == "__main__":
    run_portal()
