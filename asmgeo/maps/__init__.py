"""Maps: folium layers, styles, legends, aggregation for the view, offline assets and the page maps."""
