"""The article is parsed once into sections and passages with stable ids."""

import pytest

from content.article import (
    ARTICLE_PATH,
    SECTION_HEADINGS,
    ArticleError,
    load_article,
    parse_article,
)

ARTICLE_TEXT = ARTICLE_PATH.read_text(encoding="utf-8")


def test_every_heading_of_the_article_becomes_a_section_in_article_order():
    article = load_article()
    assert list(article.sections) == list(SECTION_HEADINGS)
    for section_id, heading in SECTION_HEADINGS.items():
        assert article.section(section_id).heading == heading


def test_passage_text_is_verbatim_article_text():
    article = load_article()
    for passage in article.passages.values():
        assert passage.text in ARTICLE_TEXT


def test_every_line_of_the_article_is_kept_exactly_once():
    article = load_article()
    kept = (
        [p.text for p in article.passages.values()]
        + list(SECTION_HEADINGS.values())
        + [article.closing]
    )
    lines = [line.strip().removeprefix("- ") for line in ARTICLE_TEXT.splitlines() if line.strip()]
    assert sorted(kept) == sorted(lines)


def test_labelled_bullets_are_named_by_label_and_others_by_position():
    article = load_article()
    assert article.passage("areas.hands").text.startswith("Hands:")
    assert article.passage("areas.neck_and_decolletage").label == "Neck and décolletage"
    assert "caffeine" in article.passage("avoid_before.item2").text
    assert article.passage("suitability.note1").text.startswith("Additionally, obese and diabetic")


def test_the_clinic_call_to_action_is_not_part_of_the_aftercare_answer():
    article = load_article()
    assert "Citidrips" in article.closing
    assert "Citidrips" not in article.section("aftercare").full_text()


def test_bullet_lead_in_is_the_paragraph_ending_with_a_colon():
    article = load_article()
    assert article.section("avoid_before").lead_in.text.endswith("avoid the following:")
    assert article.section("what_is").lead_in is None


def test_unknown_heading_fails_loudly():
    with pytest.raises(ArticleError, match="no section id"):
        parse_article(ARTICLE_TEXT.replace("How does it work?", "How does it really work?"))


def test_missing_section_fails_loudly():
    without_aftercare = ARTICLE_TEXT.split("What is the post-treatment instruction?")[0]
    with pytest.raises(ArticleError, match="missing the sections"):
        parse_article(without_aftercare)


def test_text_before_the_first_heading_fails_loudly():
    with pytest.raises(ArticleError, match="before the first heading"):
        parse_article("Welcome!\n" + ARTICLE_TEXT)
