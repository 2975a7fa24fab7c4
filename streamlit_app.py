"""Fashion-MNIST CNN Studio: the entrypoint, which only sets up navigation."""

import streamlit as st

from pages.views.session import keep_across_pages

st.set_page_config(page_title="Fashion-MNIST CNN Studio", page_icon="👕", layout="wide")

pages = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/train.py", title="Train", icon="🏋️", url_path="train"),
    st.Page("pages/explore.py", title="Explore errors", icon="🔍", url_path="explore"),
    st.Page("pages/classify.py", title="Classify", icon="🎨", url_path="classify"),
]
page = st.navigation(pages)
keep_across_pages(page.url_path)
page.run()
