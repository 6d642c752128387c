"""Across countries: every rated country's Pillar 6 % beside a chosen ground figure, by region."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from asmgeo.domain import ground, profile
from asmgeo.i18n import t
from asmgeo.maps import popups
from asmgeo.provenance import synthetic_extent
from ui import charts, data, profile_data, tables
from ui import state as keys

SELECTION = "country"
WHOLE_NUMBERS = ("sites", "workers")  # the comparable figures that are counts; the others have decimals


def render(today: dt.date, lang: str) -> None:
    """Table and chart; a click on a point (or a link in the table) opens that country's profile."""
    st.subheader(t("profile.across", lang))
    key = st.selectbox(t("profile.across_figure", lang), ground.COMPARABLE, key=keys.PROFILE_FIGURE,
                       format_func=lambda k: ground.figure_label(k, lang))
    table = profile.across_countries(profile_data.pct_latest(), profile_data.all_figures(today), key,
                                     profile_data.country_names(lang), profile_data.regions())
    if table.empty:
        st.caption(t("profile.no_ratings", lang))
        return
    shown = table.assign(
        region=table["region"].map(lambda r: profile_data.region_label(r, lang)),
        status=table["illustrative"].map(lambda i: t(f"mpf.status.{'illustrative' if i else 'official'}", lang)),
        link=table["iso3"].map(lambda code: profile_data.profile_link(code, lang)),
    )
    figure_name = ground.figure_label(key, lang)
    notes = _notes(table, lang)
    st.altair_chart(charts.in_language(_chart(shown, figure_name, notes, lang), lang), key=keys.PROFILE_CHART,
                    on_select=_clicked, selection_mode=SELECTION, width="stretch")
    columns = ["country", "region", "year", "pct", "status", "value", "records", "link"]
    numbers = {"pct": 1, "value": 0 if key in WHOLE_NUMBERS else 1, "records": 0}
    st.dataframe(tables.localized(shown[columns], lang, numbers), hide_index=True,
                 width="stretch", height="content", column_config={
                     "country": t("home.col.country", lang), "region": t("home.col.region", lang),
                     "year": t("home.col.year", lang), "pct": t("home.col.pillar", lang),
                     "status": t("home.col.status", lang), "value": figure_name,
                     "records": t("profile.col.records", lang),
                     "link": st.column_config.LinkColumn(t("profile.col.profile", lang), display_text=r"country=(\w+)"),
                 })
    st.caption(" ".join(text if text.endswith(".") else text + "." for text in [t("profile.across_caption", lang), *notes]))


def _notes(table: pd.DataFrame, lang: str) -> list[str]:
    """The labels the chart must carry: illustrative ratings, synthetic demo sites."""
    notes = []
    if table["illustrative"].any():
        notes.append(t("map.legend.illustrative", lang))
    synthetic = popups.synthetic_note(synthetic_extent(data.explorer_sites()), lang)
    return [*notes, synthetic] if synthetic else notes


def _chart(shown: pd.DataFrame, figure_name: str, notes: list[str], lang: str) -> alt.Chart:
    """Pillar 6 % (y) against the ground figure (x), coloured by region, one point per country."""
    pillar = t("home.col.pillar", lang)
    pick = alt.selection_point(name=SELECTION, fields=["iso3"], on="click")
    title = alt.Title(t("profile.across_chart", lang, figure=figure_name), subtitle=notes or None)
    base = alt.Chart(shown, title=title).encode(
        x=alt.X("value:Q", title=figure_name),
        y=alt.Y("pct:Q", title=pillar, scale=alt.Scale(domain=[0, 100])),
    )
    points = base.mark_circle(size=140, cursor="pointer").encode(
        color=alt.Color("region:N", title=t("home.col.region", lang)),
        opacity=alt.condition(pick, alt.value(0.95), alt.value(0.45)),
        tooltip=[alt.Tooltip("country:N", title=t("home.col.country", lang)), alt.Tooltip("pct:Q", title=pillar, format=".1f"),
                 alt.Tooltip("value:Q", title=figure_name, format=",.1f"),
                 alt.Tooltip("records:Q", title=t("profile.col.records", lang)),
                 alt.Tooltip("status:N", title=t("home.col.status", lang))],
    ).add_params(pick)
    labels = base.mark_text(dx=8, align="left", fontSize=11).encode(text="iso3:N")
    return (points + labels).properties(height=360)


def _clicked() -> None:
    """Open the profile of the country whose point was clicked."""
    state = st.session_state.get(keys.PROFILE_CHART)
    picked = ((state or {}).get("selection") or {}).get(SELECTION) or []
    if picked and picked[0].get("iso3"):
        profile_data.open_country(picked[0]["iso3"])
