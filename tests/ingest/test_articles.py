"""Ingest: what a user checks about each input shape, each bad input, and a batch."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.ingest.articles import DEFAULT_MAX_CHARS, Article, InputFailure, parse_article, read_articles
from extractor.normalize.dates import Dateline, find_dateline
from tests.support.paths import SEEDS


def seed(prefix: str) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    (path,) = SEEDS.glob(f"{prefix}_*")
    return path


def parse_seed(prefix: str) -> Article:
    path = seed(prefix)
    return parse_article(path.read_bytes(), file=str(path))


def error_of(raw: bytes | str, **kwargs) -> str:
    with pytest.raises(InputError) as caught:
        parse_article(raw, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- the real seeds -----------------------------------------------------------------------------


def test_scraped_page_keeps_the_story_and_drops_the_furniture():
    article = parse_seed("000")
    assert article.shape == "scraped_page"
    assert article.title == "Leaders of South Korea and Japan agree to improve cooperation"
    assert article.text.startswith(article.title + "\n\n")
    assert article.text.count(article.title) == 1  # the source card's echo is dropped
    for story in (
        "mutual trust.",
        "Sanae Takaichi in Nara, Japan",
        "Chosei Mine",
        "next shuttle meeting in Andong",
        "have agreed to enhance cooperation",
    ):
        assert story in article.text
    for furniture in (
        "Skip to main content",
        "Published loading",
        "Insights by Ground AI",
        "8 Articles",
        "Reposted by",
        "Lean Left",
        "Read Full Article",
        "Subscribe",
        "$9.99",
        "Bias Distribution",
        "62%",
        "Upgrade to Premium",
        "Icon",
        "Similar News Topics",
        "For You",
        "Blindspot",
        "United States\n",
        "broke the news",
        "\u2022",
    ):
        assert furniture not in article.text


def test_scraped_page_publication_statement_gives_date_and_outlet():
    article = parse_seed("000")
    assert article.published == "2026-01-13"
    assert article.outlet == "Associated Press News"
    assert article.url is None


def test_plain_article_is_left_intact():
    path = seed("001")
    article = parse_seed("001")
    assert article.shape == "text"
    assert article.text == path.read_text(encoding="utf-8").rstrip()
    assert (article.title, article.published, article.outlet) == (None, None, None)
    assert article.file == str(path) and article.line is None


def test_trailing_help_us_improve_is_removed():
    article = parse_seed("002")
    assert article.shape == "text"
    assert "Help us improve" not in article.text
    assert article.text.endswith("more important than ever.\u201d")
    assert article.title == "South Korea, Japan to Deepen Defence Ties, Pledge Collaboration on AI and Unmanned Systems"
    assert article.published is None


def test_json_record_in_a_txt_file():
    article = parse_seed("003")
    assert article.shape == "json"
    assert article.title == "South Korea, Japan Agree Continued Defense Cooperation Including AI"
    assert article.published == "2026-06-28"
    assert article.url == "https://wpnews.pro/news/south-korea-japan-agree-continued-defense-cooperation-including-ai"
    title, summary, body = article.text.split("\n\n")
    assert title == article.title
    assert summary.startswith("South Korea and Japan agreed on June 28")
    assert body.startswith("South Korea and Japan's June 28 bilateral defense agreement")
    assert '"slug"' not in article.text


def test_dates_in_the_story_are_not_publication_dates():
    assert parse_seed("004").published is None
    assert parse_article("The ministers met on March 3, 2026 in Lisbon and agreed on a fisheries pact.").published is None


def test_non_breaking_hyphen_is_kept():
    article = parse_seed("004")
    assert "Lee Jae\u2011Myung" in article.text
    assert "forward\u2011looking" in article.text


def test_article_id_is_the_hash_of_the_text():
    article = parse_seed("003")
    assert article.article_id == hashlib.sha256(article.text.encode()).hexdigest()[:16]
    assert parse_seed("003").article_id == article.article_id


# --- small inputs -------------------------------------------------------------------------------


def test_another_sites_scraped_page_by_general_rules():
    page = "\n".join(
        [
            "Menu",
            "World",
            "Politics",
            "Sign in",
            "Foreign ministers of Chile and Kenya open talks on copper trade",
            "The two ministers met in Nairobi on Monday and set up a working group on mining investment, officials said.",
            "Published: March 3, 2026",
            "Share",
            "Lean Right",
            "Subscribe now for $4 a month",
            "Read Full Article",
            "Related Articles",
            "Chile beats Peru in a football friendly",
        ]
    )
    article = parse_article(page)
    assert article.shape == "scraped_page"
    assert article.title == "Foreign ministers of Chile and Kenya open talks on copper trade"
    assert article.published == "2026-03-03"
    assert article.text == (
        "Foreign ministers of Chile and Kenya open talks on copper trade\n"
        "The two ministers met in Nairobi on Monday and set up a working group on mining investment, officials said."
    )


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("Published: March 3, 2026", "2026-03-03"),
        ("Updated Jan 5, 2026", "2026-01-05"),
        ("Published on 4 February 2026, 09:30 GMT", "2026-02-04"),
        ("By Ana Silva | Posted 2026-02-11", "2026-02-11"),
        ("Reuters broke the news in Portugal on Friday, May 8, 2026.", "2026-05-08"),
    ],
)
def test_publication_statement_in_text(statement, expected):
    body = "The prime ministers of Portugal and Morocco met in Lisbon and signed a water agreement."
    article = parse_article(f"{statement}\n\n{body}")
    assert article.published == expected
    assert article.text == body  # the statement is metadata, not story


def test_published_wins_over_updated():
    text = "Updated Jan 9, 2026\nPublished Jan 7, 2026\n\nThe two leaders met in Rome and spoke about energy."
    assert parse_article(text).published == "2026-01-07"


def test_bare_date_line_at_the_top_is_the_dateline():
    article = parse_article("Leaders Meet in Lisbon\nMarch 3, 2026, 10:30 GMT\n\nThe leaders met and talked.")
    assert article.published == "2026-03-03"
    assert article.text == "Leaders Meet in Lisbon\n\nThe leaders met and talked."
    story = "March 3, 2026 - Leaders met in Rome and talked about grain."
    article = parse_article(story)
    assert (article.published, article.text) == (None, story)  # a story line, not a dateline


def test_bracketed_tag_opens_plain_text_not_json():
    assert parse_article("[Update] Leaders met in Rome.").text == "[Update] Leaders met in Rome."


def test_plain_headline_only_when_obvious():
    article = parse_article("Ministers Meet in Lisbon\n\nThe ministers met on Friday and agreed to talk again.")
    assert article.title == "Ministers Meet in Lisbon"
    assert parse_article("The ministers met on Friday.\nThey agreed to talk again soon.").title is None
    assert parse_article("Ministers Meet in Lisbon").title is None  # nothing follows it
    assert parse_article("By Ana Silva\n\nThe ministers met on Friday.").title is None


def test_plain_article_with_a_widget_word_is_not_treated_as_a_page():
    text = "Centre\n\nThe centre-left coalition hosted the summit. Delegates from the left and right attended."
    article = parse_article(text)
    assert article.shape == "text"
    assert article.text == text


def test_json_field_alternatives():
    record = {
        "headline": "Envoys meet in Oslo",
        "content": "Envoys from two countries met in Oslo on Monday.",
        "date": "Tue, 13 Jan 2026 10:00:00 GMT",
        "canonical_source": "https://example.org/oslo",
        "source": {"id": "x", "name": "Example Wire"},
    }
    article = parse_article(json.dumps(record))
    assert article.title == "Envoys meet in Oslo"
    assert article.text == "Envoys meet in Oslo\n\nEnvoys from two countries met in Oslo on Monday."
    assert article.published == "2026-01-13"
    assert article.url == "https://example.org/oslo"
    assert article.outlet == "Example Wire"


def test_json_title_not_repeated_when_body_starts_with_it():
    record = {
        "title": "Envoys meet in Oslo",
        "body_md": "# Envoys meet in Oslo\n\nThey met on Monday.",
        "published_at": "2026-02-01T23:30:00-05:00",
        "outlet": "Example Daily",
    }
    article = parse_article(json.dumps(record))
    assert article.text == "# Envoys meet in Oslo\n\nThey met on Monday."
    assert article.published == "2026-02-01"  # the date as printed, not shifted to UTC
    assert article.outlet == "Example Daily"


def test_json_summary_only_and_unusable_fields():
    record = {"title": ["not", "a", "string"], "summary": "Leaders met.", "body": "   ", "published": "2 days ago"}
    article = parse_article(json.dumps(record))
    assert (article.text, article.title, article.published) == ("Leaders met.", None, None)


def test_pretty_printed_json_is_one_record():
    record = {"title": "Talks in Accra", "text": "Two foreign ministers met in Accra."}
    article = parse_article(json.dumps(record, indent=2))
    assert article.shape == "json" and article.title == "Talks in Accra"


def test_nfc_normalisation():
    assert parse_article("Cafe\u0301 talks in Mu\u0308nchen.").text == "Caf\u00e9 talks in M\u00fcnchen."
    record = json.dumps({"body": "Talks in Mu\u0308nchen."}, ensure_ascii=True)  # escaped as \u0308
    assert parse_article(record).text == "Talks in M\u00fcnchen."


def test_bom_is_stripped():
    assert parse_article(b"\xef\xbb\xbfLeaders met in Seoul.").text == "Leaders met in Seoul."
    assert parse_article("\ufeffLeaders met in Seoul.").text == "Leaders met in Seoul."
    assert parse_article(b'\xef\xbb\xbf{"body": "Leaders met."}').shape == "json"


def test_line_endings_and_trailing_whitespace():
    article = parse_article(b"First line.  \r\nSecond line.\rThird line.\r\n\r\n   \n\n")
    assert article.text == "First line.\nSecond line.\nThird line."


# --- hostile input ------------------------------------------------------------------------------


def test_very_long_line_does_not_crash():
    article = parse_article("word " * 30_000)
    assert article.shape == "text" and len(article.text) == 30_000 * 5 - 1


def test_control_characters_are_removed():
    article = parse_article("Leaders\x07 met\x1b in\x7f Seoul\x0cto talk.")
    assert article.text == "Leaders met in Seoul\nto talk."


def test_deeply_nested_json_is_an_input_error():
    assert "invalid JSON" in error_of("[" * 100_000)


def test_punctuation_soup_does_not_crash():
    soup = "\n".join(["|" * 500, "%%%% 100% left", "+1 Reposted by x", "\u2022 " * 300, "a" * 190 + "a" * 190] * 50)
    assert isinstance(parse_article(soup + "\nLeaders met in Seoul and agreed to meet again next spring."), Article)


# --- bad input ----------------------------------------------------------------------------------


def test_empty_and_whitespace():
    assert error_of(b"") == "article is empty"
    assert error_of(" \n\t\r\n ") == "article is only whitespace"


def test_binary():
    assert error_of(b"PK\x03\x04\x00\x00junk") == "binary data, not text (NUL byte at offset 4)"
    assert error_of("\x01\x02\x03\x04 ab").startswith("binary data, not text")


def test_not_utf8_gives_the_byte_offset():
    assert error_of("Leaders met in Malmö.".encode("latin-1")) == "not UTF-8 text (byte 0xf6 at offset 19)"
    assert error_of(b"\xef\xbb\xbfab\xff") == "not UTF-8 text (byte 0xff at offset 5)"  # offset counts the BOM
    assert "UTF-16" in error_of("Leaders met.".encode("utf-16"))


def test_invalid_json():
    assert error_of('{"title": "x" "body": "y"}') == "invalid JSON (Expecting ',' delimiter at column 15)"
    assert error_of('{\n  "title": "x",\n  "body": \n}') == "invalid JSON (Expecting value at line 4 column 1)"


def test_json_without_text_field():
    message = error_of(json.dumps({"title": "Only a title", "url": "https://example.org"}))
    assert message == "JSON article has no text field (expected one of: body, body_md, text, content, summary)"


def test_json_that_is_not_an_object():
    assert error_of('["a", "b"]').startswith("JSON array of 2 items; expected one article object")
    assert error_of('{"a": 1} extra').startswith("invalid JSON (Extra data")
    assert parse_article('[{"body": "Leaders met."}]').text == "Leaders met."  # a one-item array is fine


def test_too_large():
    message = error_of("a" * 250_001)
    assert message == "article is 250,001 characters; the limit is 200,000 (raise it with --max-chars)"
    assert DEFAULT_MAX_CHARS == 200_000
    assert parse_article("a" * 250_001, max_chars=300_000).text == "a" * 250_001
    assert error_of(json.dumps({"body": "b" * 51}), max_chars=50).startswith("article is 51 characters")


def test_messages_carry_the_location():
    assert error_of(b"", file="in/a.txt") == "in/a.txt: article is empty"
    assert error_of(b"", file="in/a.jsonl", line=3) == "in/a.jsonl:3: article is empty"


def test_jsonl_given_as_one_article_is_refused():
    jsonl = '{"body": "One."}\n{"body": "Two."}\n'
    assert "read them as a batch" in error_of(jsonl)


# --- batches ------------------------------------------------------------------------------------


def test_jsonl_batch_with_a_bad_line_in_the_middle(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text(
        '{"title": "Talks in Hanoi", "body": "Two ministers met in Hanoi.", "published_at": "2026-03-01"}\n'
        "\n"
        '{"title": "Broken", "body": "x" "y"}\n'
        '{"title": "Talks in Lima", "text": "Two presidents met in Lima.", "outlet": "Example Wire"}\n',
        encoding="utf-8",
    )
    first, bad, last = read_articles([path])
    assert (first.shape, first.line, first.title, first.published) == ("jsonl", 1, "Talks in Hanoi", "2026-03-01")
    assert bad == InputFailure(str(path), 3, f"{path}:3: invalid JSON (Expecting ',' delimiter at column 33)")
    assert (last.line, last.title, last.outlet, last.file) == (4, "Talks in Lima", "Example Wire", str(path))
    assert last.text == "Talks in Lima\n\nTwo presidents met in Lima."


def test_jsonl_lines_fail_alone(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"body": "One."}\n{"body": "Malm\xf6."}\nplain words\n{"body": "Four."}\r\n{"title": "t"}\n')
    results = list(read_articles([str(path)]))
    assert [r.line for r in results] == [1, 2, 3, 4, 5]
    assert [type(r).__name__ for r in results] == ["Article", "InputFailure", "InputFailure", "Article", "InputFailure"]
    assert results[1].message.endswith(":2: not UTF-8 text (byte 0xf6 at offset 14)")
    assert "not a JSON object" in results[2].message
    assert results[3].text == "Four."
    assert "no text field" in results[4].message


def test_directory_is_expanded_sorted_without_hidden_files(tmp_path):
    (tmp_path / "b.txt").write_text("Second article: leaders met in Quito.", encoding="utf-8")
    (tmp_path / "a.json").write_text('{"body": "First article: leaders met in Lagos."}', encoding="utf-8")
    (tmp_path / ".hidden").write_text("never read", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("not read either", encoding="utf-8")
    results = list(read_articles([tmp_path]))
    assert [Path(r.file).name for r in results] == ["a.json", "b.txt"]
    assert [r.shape for r in results] == ["json", "text"]


def test_missing_file_and_empty_directory_are_reported_and_the_batch_goes_on(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Leaders met in Quito.", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = tmp_path / "missing.txt"
    results = list(read_articles([str(missing), empty, good]))
    assert results[0] == InputFailure(str(missing), None, f"{missing}: no such file or directory")
    assert results[1] == InputFailure(str(empty), None, f"{empty}: directory has no files to read")
    assert results[2].text == "Leaders met in Quito."


def test_bad_file_in_a_batch(tmp_path):
    (tmp_path / "1.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "2.txt").write_text("Leaders met in Quito.", encoding="utf-8")
    bad, good = read_articles([tmp_path])
    assert bad.message == f"{tmp_path / '1.txt'}: binary data, not text (NUL byte at offset 0)"
    assert bad.line is None and good.text == "Leaders met in Quito."


def test_stdin():
    (article,) = read_articles(["-"], stdin=io.BytesIO("Leaders met in Lom\u00e9.".encode()))
    assert (article.file, article.text) == ("-", "Leaders met in Lom\u00e9.")
    failures = list(read_articles(["-"], stdin=io.BytesIO(b"   ")))
    assert failures == [InputFailure("-", None, "-: article is only whitespace")]


def test_stdin_jsonl():
    data = b'{"body": "One."}\n{"body": "Two."}\n'
    results = list(read_articles(["-"], stdin=io.BytesIO(data)))
    assert [(r.file, r.line, r.text) for r in results] == [("-", 1, "One."), ("-", 2, "Two.")]


def test_json_array_file_yields_each_item(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"body": "One."}, {"title": "no text"}, {"body": "Three."}]), encoding="utf-8")
    one, bad, three = read_articles([path])
    assert (one.text, three.text) == ("One.", "Three.")
    assert bad.message.startswith(f"{path}: item 2: JSON article has no text field")


def test_empty_json_array_is_reported(tmp_path):
    path = tmp_path / "none.json"
    path.write_text("[]", encoding="utf-8")
    assert list(read_articles([path])) == [InputFailure(str(path), None, f"{path}: JSON array is empty; expected article objects")]


def test_real_seed_directory_in_order():
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    results = list(read_articles([SEEDS]))
    assert all(isinstance(r, Article) for r in results)
    assert [r.shape for r in results] == ["scraped_page", "text", "text", "json", "text"]


def test_json_unix_time_as_publication_date():
    assert parse_article(json.dumps({"body": "Leaders met.", "published_at": 1768262400})).published == "2026-01-13"
    assert parse_article(json.dumps({"body": "Leaders met.", "published_at": 1768262400000})).published == "2026-01-13"


def test_publication_date_from_a_masthead_line():
    article = parse_article(
        "Harbour City Gazette — Monday, June 15, 2026\n\nThe two ministers met in Busan on Saturday to discuss fisheries.\n"
    )
    assert (article.published, article.outlet) == ("2026-06-15", "Harbour City Gazette")
    assert "Harbour City Gazette" not in article.text


def test_publication_date_from_a_wire_dateline_which_stays_in_the_story():
    text = "Leaders to meet in June\n\nSEOUL, May 11, 2026 — The two leaders will meet next month in Andong, officials said.\n"
    article = parse_article(text)
    assert article.published == "2026-05-11"
    assert "SEOUL, May 11, 2026 — The two leaders" in article.text


def test_a_date_inside_the_story_is_not_a_dateline():
    article = parse_article("The talks opened on May 11, 2026 — a week late — in a hotel in Seoul.\n")
    assert article.published is None


def test_a_wire_dateline_without_a_year_is_no_publication_date_but_stays_for_the_dates():
    # The year would be a guess, so `published` stays None; the dateline stays in the text, where
    # normalize.dates.find_dateline reads it to date the article's relative words without a year.
    text = '{"body": "Ministers to meet\\n\\nBUSAN, Oct. 4 (Newswire)--The ministers will meet on Tuesday, officials said Saturday."}'
    article = parse_article(text)
    assert article.published is None
    assert find_dateline(article.text) == Dateline(10, 4, 5)
