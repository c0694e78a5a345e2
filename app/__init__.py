"""The jinlv application: command line, JSON API, HTML pages and maps."""
