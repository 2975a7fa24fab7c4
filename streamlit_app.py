"""Fashion-MNIST CNN Studio: the entrypoint, which only sets up navigation.

`streamlit run streamlit_app.py` imports this file for `app`, which serves the pages and
the HTTP API (fashion_cnn.api) on one server; Streamlit then runs it as the script of
every page view (`__main__`), where it only navigates."""

import streamlit as st

if __name__ == "__main__":
    from fashion_cnn.common.priority import PAGE_RUNS
    from pages.views.server import run_delivered
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
    with PAGE_RUNS.running(run_delivered()):  # the API gives way until the browser has it
        page.run()
else:
    from fashion_cnn.api.routes import served_routes
    from fashion_cnn.serving.process import one_blas_thread, spare_startup_objects
    from pages.views.server import answer_without_delay

    answer_without_delay()
    one_blas_thread()
    # Here, not in a helper: `streamlit run` finds the app by reading this file for st.App.
    app = st.App("streamlit_app.py", routes=served_routes())
    spare_startup_objects()
