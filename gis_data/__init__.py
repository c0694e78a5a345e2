"""GIS layers of jinlv: scenic spots, heritage sites, tourist roads, lodging, signs, boundaries.

This package is the bottom of the one-way flow ``gis_data -> routing -> itineraries -> app``:
it holds the data files with their provenance, the database models and migrations, and the
importers. It never imports from the other packages.
"""
