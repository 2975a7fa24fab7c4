"""The Streamlit pages: one script per page, named after its URL (classify.py is /classify).

pages/views/ holds the modules the pages share; see pages/views/entrypoint.py for why a deep
link on a fresh server needs each page to call run_through_entrypoint() first.
"""
