"""Every place the portal relies on Streamlit's internals, in one module, each with why and the version checked.

Checked on Streamlit 1.67.0. tests/unit/test_streamlit_compat.py fails loudly when an upgrade moves or changes
what one of these relies on, so the workaround is revisited instead of silently doing nothing.
"""
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.pages_manager import PagesManager

__all__ = ["METRICS_PATH", "MediaFileManager", "StreamlitPage", "leave_pages_directory_mode"]

# Streamlit's own Prometheus endpoint (1.67, web/server/starlette/starlette_routes.py), public by default; the
# security headers middleware hides it behind a token. tests/security/test_metrics_hidden.py asks a running portal.
METRICS_PATH = "/_stcore/metrics"


def leave_pages_directory_mode() -> None:
    """With a pages/ folder beside app.py, Streamlit (1.67, runtime/pages_manager.py) runs the first session in
    legacy pages-folder mode until st.navigation has been called once, so the first visitor of a deep link (a QR
    check-in) was told "Page not found"; st.navigation itself sets this flag to False on its first call
    (commands/navigation.py). The portal never uses that mode: set it before anyone connects."""
    PagesManager.uses_pages_directory = False


# MediaFileManager.add_deferred (1.67) receives the callable a download button hands over; it runs only on click.
# AppTest never clicks, so the download tests (tests/app/test_downloads.py) record the callables there.
# StreamlitPage (1.67, navigation/page.py) is st.Page's class: a page's identity is the hash of its url_path, so
# the portal's sign-in gates (one closure per page, all called `gate`) need no names of their own.
