"""Text typed in the legacy Vietnamese fonts, converted to Unicode.

Before Unicode (TCVN 6909:2001) became the rule, offices typed with the TCVN3 ("ABC",
fonts .VnTime, .VnArial...; the capitals-only fonts end in H: .VnTimeH) and VNI (fonts
VNI-Times...) encodings. A spreadsheet keeps such text as the Latin-1 characters of its
bytes, so "Nguyễn" typed in .VnTime is stored as "NguyÔn" and, in VNI-Times, as
"Nguyeãn". The tables below are data taken from the published charts; no PyPI package
does this conversion today.

`convert(text, encoding)` turns one string into Unicode (NFC); `encoding_of_font(name)`
says which encoding a cell's font implies; `guess(text)` recognises legacy text when no
font is known (CSV, .xls and .ods as calamine reads them).
"""

from __future__ import annotations

import re
import unicodedata

TCVN3 = "tcvn3"
VNI = "vni"
NAMES = {TCVN3: "TCVN3 (.VnTime)", VNI: "VNI (VNI-Times)"}

# -- TCVN3 (TCVN 5712:1993, the "ABC" table) -------------------------------------------------
# One byte per letter. The lower-case letters with tones, in Unicode order, and their bytes.
_TCVN3_LOWER_UNICODE = (
    "àáảãạ" "ăằắẳẵặ" "âầấẩẫậ" "đ" "èéẻẽẹ" "êềếểễệ" "ìíỉĩị" "òóỏõọ" "ôồốổỗộ" "ơờớởỡợ" "ùúủũụ" "ưừứửữự" "ỳýỷỹỵ"
)
_TCVN3_LOWER_BYTES = (
    "µ¸¶·¹" "¨»¾¼½Æ" "©ÇÊÈÉË" "®" "ÌÐÎÏÑ" "ªÒÕÓÔÖ" "×ÝØÜÞ" "ßãáâä" "«åèæçé" "¬êíëìî" "ïóñòô" "\xadõøö÷ù" "úýûüþ"
)
# Capitals without tones have their own bytes; capitals with tones only exist in the
# capitals-only fonts (.VnTimeH), which draw the lower-case bytes as capitals.
_TCVN3_UPPER_UNICODE = "ĂÂĐÊÔƠƯ"
_TCVN3_UPPER_BYTES = "¡¢§£¤¥¦"
assert len(_TCVN3_LOWER_UNICODE) == len(_TCVN3_LOWER_BYTES) == 67
_TCVN3_TABLE = str.maketrans(_TCVN3_LOWER_BYTES + _TCVN3_UPPER_BYTES, _TCVN3_LOWER_UNICODE + _TCVN3_UPPER_UNICODE)

# -- VNI -----------------------------------------------------------------------------------------
# A base letter followed by one or two mark bytes. Tones after a plain vowel, or after ơ/ư:
_VNI_TONES = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
# Circumflex (â ê ô) and circumflex with a tone share one byte:
_VNI_CIRCUMFLEX = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
# Breve (ă) and breve with a tone:
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
# i and y with a tone are single bytes (except ý ỳ ỷ ỹ, written y + tone byte).
_VNI_I = {"\u0300": "ì", "\u0301": "í", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def _vni_pairs() -> dict[str, str]:
    """Every Vietnamese letter (lower and upper case) and its VNI spelling."""
    pairs: dict[str, str] = {}
    tones = ["", *_VNI_TONES]
    for upper in (False, True):
        def case(text: str, upper: bool = upper) -> str:
            return text.upper() if upper else text

        def add(unicode_letter: str, vni: str, upper: bool = upper) -> None:
            letter = unicodedata.normalize("NFC", unicode_letter)
            pairs[letter.upper() if upper else letter] = vni

        for base in "aeouy":
            for tone in tones:
                if tone:
                    add(base + tone, case(base + _VNI_TONES[tone]))
        for base in "aeo":
            for tone, mark in _VNI_CIRCUMFLEX.items():
                add(base + "\u0302" + tone, case(base + mark))
        for tone, mark in _VNI_BREVE.items():
            add("a\u0306" + tone, case("a" + mark))
        for tone, mark in _VNI_I.items():
            add("i" + tone, case(mark))
        add("y\u0323", case("î"))
        for base, byte in (("o\u031b", "ô"), ("u\u031b", "ö")):
            for tone in tones:
                add(base + tone, case(byte + (_VNI_TONES[tone] if tone else "")))
        add("đ", case("ñ"))
    return pairs


_VNI_TO_UNICODE = {vni: letter for letter, vni in _vni_pairs().items()}
# Longest spellings first, so "oâ" is read before "o".
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(_VNI_TO_UNICODE, key=len, reverse=True)))


def convert(text: str, encoding: str, *, capitals: bool = False) -> str:
    """Legacy text to Unicode NFC. `capitals`: the font draws every letter as a capital
    (.VnTimeH), so the converted text is upper-cased."""
    if encoding == TCVN3:
        result = text.translate(_TCVN3_TABLE)
    elif encoding == VNI:
        result = _VNI_PATTERN.sub(lambda m: _VNI_TO_UNICODE[m.group(0)], text)
    else:
        raise ValueError(encoding)
    if capitals:
        result = result.upper()
    return unicodedata.normalize("NFC", result)


def encoding_of_font(name: str | None) -> tuple[str, bool] | None:
    """(encoding, capitals) for a legacy font name: '.VnTime' -> TCVN3, '.VnTimeH' -> TCVN3
    in capitals, 'VNI-Times' -> VNI; None for a Unicode font."""
    if not name:
        return None
    plain = name.strip()
    lowered = plain.lower()
    if lowered.startswith(".vn"):
        return TCVN3, plain.endswith("H")
    if lowered.startswith("vni-") or lowered.startswith("vni "):
        return VNI, False
    return None


# Latin-1 letters that Vietnamese written in Unicode uses; every other character of the
# legacy tables is a sign of legacy text.
_LATIN1_VIETNAMESE = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_TCVN3_MARKERS = set(_TCVN3_LOWER_BYTES + _TCVN3_UPPER_BYTES) - _LATIN1_VIETNAMESE
# Of those, the ones no foreign name has either (not ü, ö, ñ, ß...): one of them is needed.
_TCVN3_STRONG = _TCVN3_MARKERS - set("äëïöüñçåæøßÄËÏÖÜÑÇÅÆØîûÎÛ")
_VNI_MARKERS = set("".join(_VNI_TO_UNICODE)) - _LATIN1_VIETNAMESE - set("aeiouyAEIOUYdD")
# Pairs that VNI writes and Vietnamese in Unicode never has ("eâ" for ê, "aè" for ằ...).
_VNI_PAIRS = re.compile(r"[aeoAEO][âÂ]|[aA][êéèúüëÊÉÈÚÜË]|[eE][áàåãäÁÀÅÃÄ]|[aA][åãäÅÃÄ]|[oO][åäÅÄ]")


def _letters_only(text: str) -> bool:
    """Every non-ASCII character is a Vietnamese letter in Unicode."""
    return all(ch.isascii() or ch in _LATIN1_VIETNAMESE or ch in _VIETNAMESE for ch in text)


_VIETNAMESE = set(_VNI_TO_UNICODE.values())


def guess(text: str) -> str | None:
    """TCVN3 or VNI when the text can only be legacy Vietnamese, else None.

    Used where the cell's font is not known. Text with a character above Latin-1 (ạ, ư,
    đ...) is Unicode already; text with VNI's mark bytes after a vowel ("Nguyeãn") is VNI;
    text with the TCVN3 bytes that no Vietnamese word has (µ, ¸, ¶, Þ...) is TCVN3. Either
    way the converted text must consist of Vietnamese letters."""
    if not text or text.isascii() or max(text) > "\xff":  # (set and string operations: this runs on every cell)
        return None
    if (_VNI_PAIRS.search(text) or not _VNI_MARKERS.isdisjoint(text)) and _letters_only(convert(text, VNI)):
        return VNI
    if not _TCVN3_STRONG.isdisjoint(text) and _letters_only(convert(text, TCVN3)):
        return TCVN3
    return None
