"""What ui/compat.py relies on in Streamlit's internals still holds: an upgrade that changes it fails here, loudly,
instead of a workaround quietly doing nothing."""
import inspect

from streamlit.testing.v1 import AppTest

from ui import compat


def test_the_pages_directory_flag_is_still_what_decides_legacy_mode():
    source = inspect.getsource(inspect.getmodule(compat.PagesManager))
    assert "uses_pages_directory" in source and "PagesManager.uses_pages_directory is None" in source
    before = compat.PagesManager.uses_pages_directory
    try:
        compat.leave_pages_directory_mode()
        assert compat.PagesManager.uses_pages_directory is False
    finally:
        compat.PagesManager.uses_pages_directory = before


def test_a_download_buttons_callable_still_reaches_add_deferred():
    parameters = list(inspect.signature(compat.MediaFileManager.add_deferred).parameters)
    assert parameters[:4] == ["self", "data_callable", "mimetype", "coordinates"] and "file_name" in parameters


def _two_gates_named_alike():
    """Run by AppTest (st.Page needs a script run): two gates from one factory, as the portal builds them."""
    import streamlit as st

    from ui import compat

    def gate():
        """Every gate closure has this name."""

    first, second = st.Page(gate, title="A", url_path="review"), st.Page(gate, title="B", url_path="audit")
    st.text(f"{isinstance(first, compat.StreamlitPage)} {first._script_hash != second._script_hash}")


def test_a_callable_page_is_still_told_apart_by_its_url_path_not_its_function_name():
    app = AppTest.from_function(_two_gates_named_alike).run()
    assert not app.exception
    assert app.text[0].value == "True True"
