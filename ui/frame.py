"""What every page wears around the page itself: `<html lang>`, Streamlit's own texts in the reader's language,
icon ligatures kept out of names, a nav list screen readers can parse, contrast and focus fixes, and a sidebar
that closes after a choice on a phone.

Streamlit 1.67 has no option for its built-in texts ("Skip to main content", the uploader's "Upload", "Press
Enter to submit form", ...) nor for `<html lang>`, so one small script in the main document (st.html with
unsafe_allow_javascript: it is not iframed) sets them and keeps them set with a MutationObserver as Streamlit
re-renders. The script and its stylesheet are static files beside this module; the only data handed to them is
the language and the portal's own translations of Streamlit's English, as JSON, never user text.
"""
import json
from functools import cache
from pathlib import Path

import streamlit as st

from ui.i18n import current_language, t

HERE = Path(__file__).resolve().parent
HTML_LANG = {"zh": "zh-CN", "en": "en"}

# Streamlit 1.67's English as its frontend writes it (text nodes, aria-label, placeholder or title), with
# {placeholders} for what it fills in; each key's translation is frame.st.<key> in assets/locales/*/frame.json.
STREAMLIT_TEXTS = {
    "skip": "Skip to main content",
    "expand_sidebar": "Expand sidebar",
    "collapse_sidebar": "Collapse sidebar",
    "sidebar": "Sidebar",
    "app_pages": "App pages",
    "main_menu": "Main menu",
    "view_less": "View less",
    "view_more": "View {n} more",
    "drop_file": "Drag and drop file here",
    "drop_a_file": "Drag and drop a file here",
    "drop_files": "Drag and drop files here",
    "per_file": "{size} per file",
    "upload": "Upload",
    "browse_files": "Browse files",
    "file_upload": "file upload",
    "delete_file": "Delete {name}",
    "take_photo": "Take Photo",
    "clear_photo": "Clear photo",
    "camera_ask": "This app would like to use your camera.",
    "camera_learn": "Learn how to allow access.",
    "switch_camera": "Switch camera",
    "enter_submit": "Press Enter to submit form",
    "enter_apply": "Press Enter to apply",
    "show_password": "Show password",
    "hide_password": "Hide password",
    "help_for": "Help for {label}",
    "choose_option": "Choose an option",
    "choose_options": "Choose options",
    "no_results": "No results",
    "clear_all": "Clear all",
    "clear_value": "Clear value",
    "remove": "Remove {item}",
    "open": "Open",
    "selected_values": "Selected values",
    "increment": "Increment",
    "decrement": "Decrement",
    "choose_date": "Choose date",
    "date_year": "year, {label}",
    "date_month": "month, {label}",
    "date_day": "day, {label}",
    "yyyy": "yyyy",
    "mm": "mm",
    "dd": "dd",
    "link_heading": "Link to heading",
    "download_csv": "Download as CSV",
    "search": "Search",
    "fullscreen": "Fullscreen",
    "close_fullscreen": "Close fullscreen",
    "columns": "Show/hide columns",
    "chart_data": "Show data",
    "chart_png": "Download as PNG",
    "chart_spec": "Copy Vega-Lite spec",
    "chart_named_fullscreen": "Fullscreen: {chart}",
    "chart_named_data": "Show data: {chart}",
    "chart_named_png": "Download as PNG: {chart}",
    "chart_named_spec": "Copy Vega-Lite spec: {chart}",
    "chart": "Vega visualization",
    "progress": "progress",
    "running": "Running...",
    "stop": "Stop",
}


@cache
def _asset(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def frame_settings() -> dict:
    """What the script needs for this run: the `<html lang>` value and [Streamlit's English, this language's
    text] pairs (on English pages the pairs are identities, which put back what a Chinese run replaced)."""
    return {"lang": HTML_LANG[current_language()],
            "texts": [[english, t(f"frame.st.{key}")] for key, english in STREAMLIT_TEXTS.items()]}


def _script_json(value: dict) -> str:
    """JSON that cannot end the <script> it sits in, whatever the translations hold."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def dress_frame() -> None:
    """Send the stylesheet and the script; st.html re-runs the script only when this run's settings change."""
    script = _asset("frame.js").replace("__GE_FRAME_SETTINGS__", _script_json(frame_settings()))
    st.sidebar.html(f"<style>{_asset('frame.css')}</style><script data-ge-frame>{script}</script>",
                    unsafe_allow_javascript=True)
