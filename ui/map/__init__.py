"""The supplier map: `builder.map_parts` and `script.py` make the map's script (the search page's
component runs it without folium); `builder.build_map` makes the same map as a folium Map, for a page of
its own (tests of the browser code, the bench).

Presentation code without Streamlit: pages, the bench and tests all draw the same map.
"""
