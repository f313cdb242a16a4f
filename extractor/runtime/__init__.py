"""Running extractions: batches (``pipeline``) and the cache."""
