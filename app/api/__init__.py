"""JSON API: thin routers over the domain packages."""
