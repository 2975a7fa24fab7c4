"""What the pages show, computed without Streamlit: charts, sentences, a run's link."""
