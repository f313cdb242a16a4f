"""Normalisation after the model: dates, names, countries and pledge domains."""
