"""Streamlit-side helpers shared by the pages: cached data access, sidebar filters, cards and charts.

Nothing here computes a figure: figures come from `biwaq_data.figures.metrics`.
"""
