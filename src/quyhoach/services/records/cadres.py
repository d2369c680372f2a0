"""Cadre records: the fields derived from a cadre's name and code.

The importer, the demo generator, the forms and the test builders all call
`derived_fields`, so a cadre is found and sorted the same way however it came in.
"""

from __future__ import annotations

from quyhoach.domain.text import fold, name_sort_key, nfc


def derived_fields(full_name: str, code: str) -> dict[str, str]:
    """The stored search and sort columns of a cadre.

    search_text: the name and code without diacritics, lower case ("lo thi hoa cb-0012"),
    so "lo thi" finds "Lò Thị Hoa"; sort_key: the Vietnamese directory order (given
    name first), compared byte by byte: ORDER BY Cadre.sort_key.
    """
    name = nfc(full_name) or ""
    return {
        "search_text": fold(f"{name} {nfc(code) or ''}"),
        "sort_key": name_sort_key(name),
    }
