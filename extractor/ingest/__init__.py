"""Input in: articles (text, JSON, JSONL, scraped pages; boilerplate, publication date), and the
JSONL files of records the later commands read (extractions, events)."""

from extractor.ingest.articles import DEFAULT_MAX_CHARS, Article, InputFailure, parse_article, read_articles
from extractor.ingest.records import read_records

__all__ = ["DEFAULT_MAX_CHARS", "Article", "InputFailure", "parse_article", "read_articles", "read_records"]
