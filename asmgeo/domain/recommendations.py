"""The seed's seven recommendations, each beside the Pillar 6 items and the ground figures that speak to it.

The table puts a country's ratings next to what the store shows on the ground; it does not say
that one causes the other. Which items and figures go with which recommendation is asmgeo's
reading of the seed (DESIGN §2), listed here so that it can be reviewed and changed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from asmgeo.domain import ground, mpf
from asmgeo.i18n import t


@dataclass(frozen=True)
class Recommendation:
    """One recommendation: its i18n key, related Pillar 6 items (``mpf.ITEM_AREA`` keys) and ground-figure keys."""

    key: str
    items: tuple[str, ...]
    figures: tuple[str, ...]


RECOMMENDATIONS: tuple[Recommendation, ...] = (
    Recommendation("strategy_licensing", ("legal_frameworks", "formalization_strategies", "technical_support"),
                   ("licensed_share", "legal_status.in_process", "legal_status.informal", "legal_status.illegal")),
    Recommendation("due_diligence", ("fair_trade_certification", "revenue_reinvestment", "lsm_asm_collaboration"),
                   ("licensed_share", "commodity.gold", "visited_12m_share")),
    Recommendation("environment_health", ("training", "health_and_education"),
                   ("mercury_use_share", "annex_c_share", "mercury_kg_per_year", "tailings_mercury_share",
                    "tailings_cyanide_share")),
    Recommendation("inclusive_governance", ("women_in_asm", "child_labour_enforcement", "formalization_strategies"),
                   ("women_share", "workers")),
    Recommendation("economic_technical_support",
                   ("technical_support", "geological_information", "savings_and_finance", "revenue_reinvestment"),
                   ("good_practice_share", "workers")),
    Recommendation("monitoring_data", ("geological_information", "revenue_reinvestment"),
                   ("sites", "latest_visit", "visited_12m_share", "revisited_share")),
    Recommendation("pilots_scaling", ("formalization_strategies", "technical_support", "lsm_asm_collaboration"),
                   ("legal_status.in_process", "good_practice_share")),
)
COLUMNS = ["key", "recommendation", "items", "ground"]


def item_ratings(ratings: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Item → (implemented, the report's word) from one country's ratings in force (unrated items absent)."""
    rows = ratings.drop_duplicates("item", keep="last")
    words = rows["rating_word"] if "rating_word" in rows.columns else pd.Series("", index=rows.index)
    return {item: (value, "" if pd.isna(word) else str(word))
            for item, value, word in zip(rows["item"], rows["implemented"], words)}


def rating_text(item: str, rated: dict[str, tuple[str, str]], lang: str = "en") -> str:
    """An item's label and rating, e.g. "Legal frameworks for ASM: partial (“partially met”)"."""
    if item not in mpf.ITEM_AREA:
        raise ValueError(f"item={item!r} is not a Pillar 6 item")
    value, word = rated.get(item, ("", ""))
    rating = t(f"profile.rating.{value}", lang) if value else t("profile.rating.not_rated", lang)
    if word:
        rating = t("profile.rating.with_word", lang, rating=rating, word=word)
    return f"{t(f'mpf.item.{item}', lang)}: {rating}"


def policy_beside_ground(ratings: pd.DataFrame, figures: dict[str, ground.Figure], lang: str = "en") -> pd.DataFrame:
    """One row per recommendation: its label, the related items' ratings, the ground figures (value and basis).

    ``ratings`` are one country's ratings in force (``mpf.current_ratings``, one assessment year);
    ``figures`` that country's :func:`asmgeo.domain.ground.ground_figures`.
    """
    missing = sorted({key for rec in RECOMMENDATIONS for key in rec.figures} - set(figures))
    if missing:
        raise ValueError(f"figures lacks the ground figure(s) {missing}")
    rated = item_ratings(ratings)
    rows = []
    for rec in RECOMMENDATIONS:
        items = "; ".join(rating_text(item, rated, lang) for item in rec.items)
        shown = "; ".join(
            f"{ground.figure_label(key, lang)}: {ground.figure_value(figures[key], lang)} "
            f"({ground.figure_basis(figures[key], lang)})"
            for key in rec.figures
        )
        rows.append([rec.key, t(f"rec.{rec.key}", lang), items, shown])
    return pd.DataFrame(rows, columns=COLUMNS)
