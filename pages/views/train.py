import streamlit as st

st.title("🏋️ Train")
st.info("Live training lands soon. Meanwhile, the bundled CNN powers the other pages.")
