"""Articles in: input shapes (text, JSON, JSONL, scraped pages), boilerplate, publication date."""

from extractor.ingest.articles import DEFAULT_MAX_CHARS, Article, InputFailure, parse_article, read_articles

__all__ = ["DEFAULT_MAX_CHARS", "Article", "InputFailure", "parse_article", "read_articles"]
