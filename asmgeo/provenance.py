"""Provenance values asmgeo itself writes (demo source and licence, illustrative ratings), worded per language.

The store keeps these values in English, as written; on screen and in exports they are shown in the
reader's language. Any other source or licence (a survey team's, a ministry's) is shown as written.
"""

from __future__ import annotations

from asmgeo.demo import DEMO_LICENCE, DEMO_SOURCE
from asmgeo.i18n import DEFAULT_LANGUAGE, t
from asmgeo.mpf import ILLUSTRATIVE_SOURCE

KEYS = {
    DEMO_SOURCE: "map.source.synthetic_demo",
    DEMO_LICENCE: "provenance.demo_licence",
    ILLUSTRATIVE_SOURCE: "mpf.source.illustrative",
}


def provenance_label(value: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """``value`` in ``lang`` when asmgeo wrote it (see :data:`KEYS`), else as written."""
    key = KEYS.get(value)
    return t(key, lang) if key else value


def provenance_labels(lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Every value asmgeo writes → its wording in ``lang``."""
    return {value: t(key, lang) for value, key in KEYS.items()}
