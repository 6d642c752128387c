"""Overview: the Pillar 6 choropleth of the 14 assessed countries with ASM sites on top."""

import streamlit as st
from streamlit_folium import st_folium

from asmgeo.i18n import t
from asmgeo.maps import explorer, viewport
from asmgeo.shipped import reference
from ui import data, demo_data, explorer_data, tables
from ui.feedback import errors_shown, lang
from ui.frame import leave_legacy_pages_mode

leave_legacy_pages_mode()
L = lang()
st.title(t("home.title", L))
st.write(t("home.intro", L))
with errors_shown():
    demo_data.home_notices(L)

with errors_shown():
    pct = data.pillar_pct()
    centre, zoom = viewport.WORLD_VIEW
    layers = explorer.Layers(countries=data.assessed_countries(zoom), pct=pct, sites=data.explorer_sites())
    group = explorer.data_layers(layers, ("countries", "sites"), viewport.View(viewport.WORLD_BOUNDS, zoom),
                                 "practice_class", 0.6, L)
    fmap = explorer_data.base_map(L, drawing=False)
st_folium(fmap, feature_group_to_add=group, center=centre, zoom=zoom, height=580, use_container_width=True,
          returned_objects=[], key="home_map")
st.caption(t("home.rule", L, rule=t("mpf.rule", L)))
st.page_link("pages/explorer.py", label=t("home.to_explorer", L), icon=":material/layers:", query_params={"lang": L})

left, right = st.columns(2)
with left:
    st.subheader(t("home.pillar_table", L))
    table = pct.merge(data.assessments()[["iso3", "region"]], on="iso3")
    names = data.display_names(L)
    shown = table.assign(
        country=table["iso3"].map(lambda code: names.get(code, code)),
        region=table["region"].map(lambda r: t(f"region.{r}", L)),
        illustrative=table["illustrative"].map(lambda i: t(f"mpf.status.{'illustrative' if i else 'official'}", L)),
    )[["country", "region", "year", "pct", "illustrative"]].rename(columns={
        "country": t("home.col.country", L), "region": t("home.col.region", L),
        "year": t("home.col.year", L), "pct": t("home.col.pillar", L), "illustrative": t("home.col.status", L),
    })
    st.dataframe(tables.localized(shown, L, {t("home.col.pillar", L): 1}), hide_index=True)
with right:
    st.subheader(t("home.regional_title", L))
    averages = data.regional_averages()
    columns = {c: t(f"home.col.{c}", L) for c in ["region", "implementation_pct", "scope", "countries_assessed"]}
    shown = averages.assign(region=averages["region"].map(lambda r: t(f"region.{r}", L)),
                            scope=averages["scope"].map(lambda s: reference.scope_label(s, L)))
    st.dataframe(tables.localized(shown[list(columns)].rename(columns=columns), L,
                                  {columns["implementation_pct"]: 0, columns["countries_assessed"]: 0}),
                 hide_index=True)
    st.caption(t("home.regional_caption", L, source=averages["source"].iloc[0]))
