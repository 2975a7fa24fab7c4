import streamlit as st

st.title("🔍 Explore errors")
st.info("The error explorer lands soon. Meanwhile, the bundled CNN powers the other pages.")
