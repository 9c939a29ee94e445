"""The domain: plain Python, no Streamlit. Pages call these functions; they check roles themselves."""
