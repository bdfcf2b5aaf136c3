"""Identifiers found by pattern: phone numbers, e-mail, fødselsnummer, birth dates, addresses.

Fødselsnummer and D-nummer are accepted only with valid check digits (mod 11) and a
plausible date, so ordinary 11-digit numbers are left alone.
"""

from __future__ import annotations

import re

from thesis_analysis.privacy.findings import Finding

UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŸŹŻŽ"
LOWER = "a-zß-öø-ÿāăąćčďđēėęěğīįıķĺļľłńņňōőœŕřśşšţťūůűųÿźżž"
CAPWORD = rf"[{UPPER}][{LOWER}][\w'’]*(?:-[\w'’]+)*"

FNR_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
FNR_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?!\w)")
FNR = re.compile(r"(?<!\d)(?<!\d[,.])(\d{6})[ ]?(\d{5})(?!\d|,\d)")
PHONE = re.compile(
    r"(?<![\w+])(?<!\d[ .-])(?:(?:\+|00)[ ]?47[ .-]?)?"
    r"(?:[2-9]\d{7}|[2-9]\d{2}[ .-]\d{2}[ .-]\d{3}|[2-9]\d[ .-]\d{2}[ .-]\d{2}[ .-]\d{2}"
    r"|[2-9]\d{3}[ .-]\d{4})(?!\w|[ .-]\d|,\d)"
)
MONTHS = (
    "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|des"
)
BIRTH_DATE = re.compile(
    r"(?i:\b(?:født|fødd|fødselsdato|fødselsdag|f\.)(?:\s+(?:den|på|i))?\s*:?\s*)"
    rf"(\d{{1,2}}\.\s?\d{{1,2}}\.\s?(?:\d{{4}}|\d{{2}})(?!\d)"
    rf"|\d{{1,2}}\.?\s+(?i:{MONTHS})\.?\s+\d{{4}}(?!\d)"
    r"|\d{4}-\d{2}-\d{2}(?!\d)|\d{1,2}/\d{1,2}[-/](?:\d{4}|\d{2})(?!\d))"
)
STREET_SUFFIX = (
    "gata|gaten|gate|veien|vei|vegen|veg|allé|alle|plass|plassen|stien|sti|torg|torget"
    "|brygge|bryggen|ringen|terrasse|lia|bakken|svingen|kroken"
)
ADDRESS = re.compile(
    rf"(?<![\w-])((?:{CAPWORD}\s+){{0,3}}(?:[\w'’-]*?(?:{STREET_SUFFIX})))"
    r"\s+(\d{1,4}(?:[A-Za-z](?![\w]))?)(?:,?\s+\d{4}\s+" + CAPWORD + r")?(?![\w])"
)
STREET_NUMBER = re.compile(rf"(?:{STREET_SUFFIX})\s+\d")
DIGIT = re.compile(r"\d")
NOT_AFTER_STREET = re.compile(
    r"\s+(?:år|ganger|gonger|dager|dagar|uker|veker|prosent|kroner|timer|timar|minutter"
    r"|måneder|månader|personer|brukere|brukarar|stk|km|meter)\b"
)


def is_valid_fnr(digits: str) -> bool:
    """Whether 11 digits are a fødselsnummer or D-nummer: mod-11 check digits and a date.

    A D-nummer adds 4 to the first digit (day + 40); an H-nummer adds 4 to the third.
    """
    if len(digits) != 11 or not digits.isdigit():
        return False
    numbers = [int(c) for c in digits]
    for weights, position in ((FNR_WEIGHTS_1, 9), (FNR_WEIGHTS_2, 10)):
        check = 11 - sum(w * n for w, n in zip(weights, numbers, strict=False)) % 11
        check = 0 if check == 11 else check
        if check == 10 or check != numbers[position]:
            return False
    day, month = int(digits[:2]), int(digits[2:4])
    day = day - 40 if day > 40 else day
    month = month - 40 if month > 40 else month
    return 1 <= day <= 31 and 1 <= month <= 12


def find_pattern_findings(text: str, lexicon_ordinary: frozenset[str]) -> list[Finding]:
    """Every number, e-mail, birth date and street address in ``text`` (may overlap)."""
    found: list[Finding] = []
    if "@" in text:
        found += find_emails(text)
    if DIGIT.search(text) is None:
        return found
    for match in FNR.finditer(text):
        if is_valid_fnr(match.group(1) + match.group(2)):
            found.append(Finding("FNR", match.start(), match.end(), match.group(), "check digits"))
    for match in PHONE.finditer(text):
        if not looks_like_years(match.group()):
            found.append(Finding("TELEFON", match.start(), match.end(), match.group(), "pattern"))
    lower = text.lower()
    for match in BIRTH_DATE.finditer(text) if "fød" in lower or "f." in lower else ():
        start, end = match.span(1)
        found.append(Finding("DATO", start, end, match.group(1), "birth date"))
    for match in ADDRESS.finditer(text) if STREET_NUMBER.search(text) else ():
        street = match.group(1)
        if not street[:1].isupper() or NOT_AFTER_STREET.match(text, match.end(2)):
            continue
        if " " not in street and street.lower() in lexicon_ordinary:
            continue
        found.append(Finding("ADRESSE", match.start(), match.end(), match.group(), "street"))
    return found


def find_emails(text: str) -> list[Finding]:
    """Every e-mail address in ``text``."""
    return [
        Finding("EPOST", m.start(), m.end(), m.group(), "pattern") for m in EMAIL.finditer(text)
    ]


def looks_like_years(number: str) -> bool:
    """Whether a 4+4 digit match is two years (``2019 2020``) rather than a phone number."""
    parts = re.split(r"[ .-]", number)
    return len(parts) == 2 and all(p.isdigit() and 1900 <= int(p) <= 2099 for p in parts)
