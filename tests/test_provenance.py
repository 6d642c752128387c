"""What asmgeo writes as provenance is shown in the reader's language; anyone else's as written."""

import pytest

from asmgeo.domain.mpf import ILLUSTRATIVE_SOURCE
from asmgeo.i18n import LANGUAGES, t
from asmgeo.provenance import DEMO_LICENCE, DEMO_SOURCE, KEYS, provenance_label, provenance_labels


@pytest.mark.parametrize("lang", LANGUAGES)
def test_values_asmgeo_writes_are_worded_in_the_language(lang):
    assert provenance_label(DEMO_SOURCE, lang) == t("map.source.synthetic_demo", lang)
    assert provenance_label(DEMO_LICENCE, lang) == t("provenance.demo_licence", lang)
    assert provenance_label(ILLUSTRATIVE_SOURCE, lang) == t("mpf.source.illustrative", lang)
    assert set(provenance_labels(lang)) == set(KEYS)


def test_french_and_spanish_differ_from_the_stored_english():
    for lang in ("fr", "es"):
        assert provenance_label(DEMO_LICENCE, lang) != DEMO_LICENCE
        assert "CC0" in provenance_label(DEMO_LICENCE, lang)


def test_other_sources_are_shown_as_written():
    assert provenance_label("Ministère des Mines, enquête 2025", "es") == "Ministère des Mines, enquête 2025"
    assert provenance_label("", "fr") == ""
