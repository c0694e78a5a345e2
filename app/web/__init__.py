"""The web pages (server-rendered, zh/en) and their Folium maps."""
