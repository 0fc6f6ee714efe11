from indexer.textnorm import join_hyphenated, normalise_pages, repair_ligatures, vocabulary_of


def test_ligatures_become_letters():
    assert repair_ligatures("e\ufb03cient \ufb01lters \ufb02ue") == "efficient filters flue"


def test_words_broken_at_line_end_are_joined():
    text = "the pack-\nages were re-\nceived"
    assert join_hyphenated(text, vocabulary_of([text])) == "the packages were received"


def test_known_compound_keeps_its_hyphen():
    text = "mercury-added products. Other mercury-\nadded products"
    assert join_hyphenated(text, vocabulary_of([text])).endswith("mercury-added products")


def test_capitalised_tail_keeps_hyphen():
    text = "the Asia-\nPacific region"
    assert join_hyphenated(text, vocabulary_of([text])) == "the Asia-Pacific region"


def test_running_headers_and_page_numbers_removed_after_first_page():
    bodies = ["Coal in the region", "Inventories of emissions", "Trade and customs",
              "Waste management"]
    pages = [f"UNEP/MC/WS.1\n{body}\nPage {n} of 4" for n, body in enumerate(bodies, 1)]
    cleaned = normalise_pages(pages)
    assert cleaned[0] == "UNEP/MC/WS.1 Coal in the region Page 1 of 4"
    assert cleaned[1:] == bodies[1:]


def test_whitespace_collapsed_and_empty_page_kept():
    assert normalise_pages(["a  \n\n b\t c", ""]) == ["a b c", ""]


def test_word_broken_across_a_page_break_is_completed_on_its_first_page():
    assert normalise_pages(["the Conven-", "tion applies to all Parties"]) == [
        "the Convention", "applies to all Parties"]


def test_a_break_left_by_a_removed_running_line_is_joined():
    # The words to join are looked for after running lines go (the vocabulary is only
    # counted when there is a break): here the break appears only then.
    pages = [f"UNEP/MC/WS.1\nbody {n}\nPage {n} of 4" for n in range(1, 5)]
    pages[2] = "UNEP/MC/WS.1\nthe pack-\nPage 3 of 4\nages arrived"
    assert normalise_pages(pages)[2] == "the packages arrived"


def test_a_soft_hyphen_or_a_spaced_break_joins_across_pages():
    assert normalise_pages(["the Conven\u00ad \n", "tion applies"]) == [
        "the Convention", "applies"]
