"""The Pillar 6 ratings table: illustrative ratings and imported editions, as rows."""

from __future__ import annotations

import pandas as pd

RATINGS_TABLE = "pillar6_ratings"
EDITION = "edition"  # optional column: the import a row comes from ("" or missing: none, e.g. illustrative)


def read_ratings(store) -> pd.DataFrame:
    """The Pillar 6 ratings held by the store."""
    ratings = store.read_table(RATINGS_TABLE)
    ratings["illustrative"] = ratings["illustrative"].astype(bool)
    if EDITION in ratings.columns:  # imported editions (asmgeo.domain.ratings_io); "" for rows of none
        ratings[EDITION] = ratings[EDITION].fillna("").astype(str)
    return ratings
