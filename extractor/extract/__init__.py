"""One article → grounded, normalised records: the model call (``extractor``), then ``assemble``."""
