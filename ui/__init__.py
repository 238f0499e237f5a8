"""Streamlit pages and their helpers. Pages only gather input and show output."""
