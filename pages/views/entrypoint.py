"""Deep links on a fresh server go through the entrypoint.

Streamlit 1.67 takes a folder named pages/ beside the entrypoint as the sign of a legacy
multipage app (PagesManager.uses_pages_directory: any pages/ folder, even one holding only
__init__.py) until some session has called st.navigation. Until then every session runs in
legacy mode: it lists pages/*.py itself and runs the page whose file name matches the URL,
without streamlit_app.py. A URL that names no such file, such as /classify while the scripts
lived in pages/views/, got Streamlit's "Page not found" dialog over the page.

The page scripts live in pages/ under their URL names (classify.py serves /classify), so a
legacy run finds its page. Each page then calls run_through_entrypoint() first: in legacy
mode it turns the mode off for the whole server and reruns. The rerun keeps the page's hash
(a hash of its URL name) and query string, and goes through streamlit_app.py's
st.navigation like every later run.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from pages.views.session import VISIT


def run_through_entrypoint() -> None:
    """Rerun through streamlit_app.py if Streamlit ran this page as a legacy pages/ file.

    A session that came through the entrypoint once has its visit recorded: it is never
    rerun (AppTest resets the legacy flag before every run; a rerun would drop a click)."""
    if PagesManager.uses_pages_directory and VISIT not in st.session_state:
        PagesManager.uses_pages_directory = False
        st.rerun()
