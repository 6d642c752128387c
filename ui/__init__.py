"""Streamlit-side helpers shared by app.py and the pages (the core, asmgeo/, never imports streamlit)."""
