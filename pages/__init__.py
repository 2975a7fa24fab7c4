"""The Streamlit pages, kept in pages/views/.

Streamlit runs a fresh server's first session in its legacy mode, which turns every
pages/*.py into a page and skips the entrypoint's st.navigation; with the scripts one level
down, a deep link such as /classify always goes through streamlit_app.py.
"""
