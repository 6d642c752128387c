"""Official ratings: download the template, upload it filled in, see every problem or a preview, commit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from asmgeo.domain import mpf, ratings_io
from asmgeo.errors import RatingsFileError
from asmgeo.i18n import number, t
from ui import data, profile_data, tables
from ui import state as keys
from ui.feedback import keep_outcome, plain
from ui.uploader import file_uploader

UPLOADS = keys.PROFILE_UPLOAD + ".count"  # a new uploader key after each commit empties the uploader


def render(lang: str) -> None:
    """The whole official-ratings section."""
    st.subheader(t("ratings.title", lang))
    st.caption(t("ratings.intro", lang))
    kind, notice = st.session_state.pop(keys.PROFILE_STORED, (None, ""))
    if kind == "success":
        st.success(notice)
    elif kind == "error":
        st.error(notice)
    st.download_button(t("ratings.template", lang), lambda: ratings_io.template_csv(data.assessments(), mpf.ITEM_AREA),
                       file_name="asmgeo-pillar6-ratings-template.csv", mime="text/csv", on_click="ignore",
                       icon=":material/download:")
    upload = file_uploader(t("ratings.upload", lang), lang, type=["csv"],
                           key=f"{keys.PROFILE_UPLOAD}.{st.session_state.get(UPLOADS, 0)}")
    if upload is None:
        return
    try:
        parsed = ratings_io.parse_ratings(upload.getvalue(), profile_data.known_iso3(), mpf.ITEM_AREA, lang)
    except RatingsFileError as exc:
        st.error(t("ratings.rejected", lang, count=len(exc.problems)))
        st.markdown("\n".join(f"- {plain(problem)}" for problem in exc.problems))
        return
    st.success(t("ratings.accepted", lang, rows=number(len(parsed), lang), countries=number(parsed["iso3"].nunique(), lang)))
    pct = {t(f"mpf.area.{area}", lang): 1 for area in mpf.AREAS} | {t("profile.pillar", lang): 1}
    st.dataframe(tables.localized(preview(parsed, lang), lang, pct | {t("profile.col.items", lang): 0}), hide_index=True)
    label = st.text_input(t("ratings.edition_label", lang), value=upload.name, key=keys.PROFILE_EDITION)
    st.button(t("ratings.commit", lang), type="primary", disabled=not label.strip(), on_click=_commit,
              args=(parsed, lang))


def _commit(parsed: pd.DataFrame, lang: str) -> None:
    """Store the previewed ratings as a new edition (a callback: it runs once, before the next run)."""
    def store() -> tuple[str, str]:
        edition = ratings_io.store_ratings(data.store(), parsed, st.session_state[keys.PROFILE_EDITION])
        st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1  # a fresh, empty uploader
        return "success", t("ratings.stored", lang, edition=plain(edition),
                            countries=", ".join(sorted(parsed["iso3"].unique())))
    keep_outcome(keys.PROFILE_STORED, store, lang)


def preview(parsed: pd.DataFrame, lang: str) -> pd.DataFrame:
    """% implemented each country and year of the file would get, and how many items it rates."""
    pct = mpf.implementation_pct(parsed)
    table = pct.pivot_table(index=["iso3", "year"], columns="scope", values="pct").reset_index()
    items = pct[pct["scope"] == mpf.PILLAR][["iso3", "year", "items_rated"]]
    table = table.merge(items, on=["iso3", "year"]).reindex(columns=["iso3", "year", *mpf.AREAS, mpf.PILLAR,
                                                                       "items_rated"])
    return table.rename(columns={
        **{area: t(f"mpf.area.{area}", lang) for area in mpf.AREAS}, mpf.PILLAR: t("profile.pillar", lang),
        "iso3": "ISO3", "year": t("home.col.year", lang), "items_rated": t("profile.col.items", lang)})
