"""The supplier map of the search page: `builder.build_map` is the entry point (see its docstring).

Presentation code without Streamlit: pages, the bench and tests all build the same map.
"""
