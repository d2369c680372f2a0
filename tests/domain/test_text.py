"""Vietnamese text: folding for search, NFC, and the order names are printed in."""

from __future__ import annotations

import unicodedata

from quyhoach.domain.text import fold, name_sort_key, nfc, text_sort_key


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("Lò Thị ĐÀO") == "lo thi dao"
    assert fold("Giàng  Seo   Páo") == "giang seo pao"
    assert fold(unicodedata.normalize("NFD", "Nguyễn Ưng")) == "nguyen ung"


def test_nfc_joins_decomposed_text_and_trims_spaces():
    assert nfc(unicodedata.normalize("NFD", "  Hà   Nhì ")) == "Hà Nhì"
    assert nfc(None) is None


def sort(names):
    return sorted(names, key=name_sort_key)


def test_names_sort_by_given_name_first():
    assert sort(["Nguyễn Văn Bình", "Trần Thị An", "Lò Văn Cường"]) == [
        "Trần Thị An", "Nguyễn Văn Bình", "Lò Văn Cường"]


def test_same_given_name_then_family_and_middle():
    assert sort(["Trần Văn An", "Lê Thị An", "Lê Văn An"]) == ["Lê Thị An", "Lê Văn An", "Trần Văn An"]


def test_vietnamese_letters_follow_the_alphabet():
    # a < ă < â, d < đ, o < ô < ơ, u < ư: separate letters, not accents
    assert sort(["Lê Ân", "Lê Ăn", "Lê An"]) == ["Lê An", "Lê Ăn", "Lê Ân"]
    assert sort(["Vũ Đức", "Vũ Dũng", "Vũ Giang"]) == ["Vũ Dũng", "Vũ Đức", "Vũ Giang"]
    assert sort(["Hà Ưng", "Hà Uy", "Hà Vân"]) == ["Hà Uy", "Hà Ưng", "Hà Vân"]


def test_tones_only_break_ties():
    # tone order: none, huyền, hỏi, ngã, sắc, nặng
    assert sort(["Lê Má", "Lê Mạ", "Lê Mà", "Lê Ma", "Lê Mả", "Lê Mã"]) == [
        "Lê Ma", "Lê Mà", "Lê Mả", "Lê Mã", "Lê Má", "Lê Mạ"]
    # a letter difference beats a tone difference: Ánh < Bình whatever the tones
    assert sort(["Lê Bình", "Lê Ánh"]) == ["Lê Ánh", "Lê Bình"]


def test_a_shorter_name_comes_first():
    assert sort(["Lò Anh", "Lò An"]) == ["Lò An", "Lò Anh"]


def test_keys_are_plain_ascii_so_databases_sort_by_bytes():
    key = name_sort_key("Đặng Thị Ngọc Ánh")
    assert key.isascii() and key.replace("|", "").isdigit()
    assert text_sort_key("Sở Nội vụ") < text_sort_key("Sở Tài chính")
