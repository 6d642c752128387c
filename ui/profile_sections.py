"""The sections of one country's profile: record, region, ground, policy beside ground, facts, map, briefing."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from asmgeo.domain import ground, mpf, ratings_io
from asmgeo.domain.profile import Profile, facts_table, items_table
from asmgeo.i18n import number, t, t_value
from asmgeo.maps import popups, profile_map
from asmgeo.outputs import briefing
from asmgeo.provenance import DEMO_SOURCE, provenance_label, sources_text
from asmgeo.shipped import reference
from ui import data, profile_data, tables
from ui import state as keys
from ui.feedback import plain

GROUND_KEYS = ("sites", "licensed_share", "workers", "women", "women_share", "mercury_use_share", "annex_c_sites",
               "annex_c_share", "good_practice_share", "mercury_kg_per_year", "tailings", "tailings_mercury_share",
               "tailings_cyanide_share", "visits", "revisited_share", "latest_visit", "visited_12m_share")


def labels(prof: Profile, lang: str) -> None:
    """The unmistakable labels: illustrative ratings, synthetic ground data."""
    if prof.record.illustrative:
        st.warning(t("profile.illustrative_label", lang), icon="⚠️")
    if prof.synthetic_extent == "all":
        st.info(t("profile.synthetic_label", lang))
    elif prof.synthetic_extent == "some":
        st.info(t("profile.synthetic_some_label", lang, source=provenance_label(DEMO_SOURCE, lang)))


def record(prof: Profile, lang: str) -> None:
    """% implemented per area and pillar, the rule, the assessment with its report, each item's rating."""
    rec = prof.record
    st.subheader(t("profile.record", lang))
    if not rec.rated:
        st.info(t("profile.no_ratings", lang))
    else:
        for column, scope in zip(st.columns(4), (*mpf.AREAS, mpf.PILLAR)):
            label = t("profile.pillar", lang) if scope == mpf.PILLAR else t(f"profile.area_short.{scope}", lang)
            full = t("profile.pillar", lang) if scope == mpf.PILLAR else t(f"mpf.area.{scope}", lang)
            value = rec.pct[scope]
            column.metric(label, "–" if value is None else f"{number(value, lang, 1)} %",
                          help=f"{full}: {t('profile.items_rated', lang, n=rec.items_rated[scope])}")
        status = t(f"mpf.status.{'illustrative' if rec.illustrative else 'official'}", lang)
        st.caption(t("profile.year_status", lang, year=rec.year, status=status) + " "
                   + t("home.rule", lang, rule=t("mpf.rule", lang)))
        if rec.edition:
            st.caption(t("profile.edition", lang, edition=plain(rec.edition)))
    if rec.assessment:
        a = rec.assessment
        st.markdown(t("profile.assessment", lang, period=plain(reference.date_text(a["assessment_period"], lang) or "–"),
                      date=plain(reference.date_text(a["report_date"], lang) or "–"),
                      status=plain(reference.date_status_label(a["report_date_status"], lang) or "–"))
                    + f" [{t('profile.report_link', lang)}]({a['source_url']})")
    if rec.rated:
        st.dataframe(items_table(rec, lang).rename(columns=lambda c: t(f"profile.col.items_{c}", lang)),
                     hide_index=True, width="stretch", height="content")


def editions(ratings: pd.DataFrame, iso3: str, lang: str) -> None:
    """Earlier and current imported editions of the country, side by side."""
    history = ratings_io.editions(ratings, iso3)
    if len(history) < 2:
        return
    with st.expander(t("profile.editions", lang, count=len(history))):
        pct_columns = {area: t(f"profile.area_short.{area}", lang) for area in mpf.AREAS}
        pct_columns[mpf.PILLAR] = t("profile.pillar", lang)
        shown = history.rename(columns={"edition": t("profile.col.edition", lang), "year": t("home.col.year", lang),
                                        "items_rated": t("profile.col.items", lang), **pct_columns})
        st.dataframe(tables.localized(shown, lang, dict.fromkeys(pct_columns.values(), 1)), hide_index=True)
        compared = ratings_io.compare_editions(ratings, iso3).map(
            lambda value: t(f"profile.rating.{value}", lang) if value else "")
        st.dataframe(compared.rename(index=lambda i: t(f"mpf.item.{i}", lang)).rename_axis(t("profile.col.item", lang)))


def region(prof: Profile, lang: str) -> None:
    """The seed's regional average (all six MPF areas) and the other assessed countries of the region."""
    st.subheader(t("profile.region", lang))
    avg = prof.regional_average
    if avg:
        st.markdown(t("profile.regional_average", lang, pct=number(avg["implementation_pct"], lang),
                      region=t(f"region.{avg['region']}", lang), countries=number(avg["countries_assessed"], lang)))
        st.caption(t("home.regional_caption", lang, source=avg["source"]))
    else:
        st.caption(t("profile.no_regional_average", lang))
    if len(prof.peers):
        names = data.display_names(lang)
        peers = prof.peers.assign(
            country=prof.peers["iso3"].map(lambda code: names.get(code, code)),
            illustrative=prof.peers["illustrative"].map(
                lambda i: "" if pd.isna(i) else t(f"mpf.status.{'illustrative' if i else 'official'}", lang)),
            link=prof.peers["iso3"].map(lambda code: profile_data.profile_link(code, lang)))
        st.dataframe(tables.localized(peers[["country", "year", "pct", "illustrative", "link"]], lang, {"pct": 1}),
                     hide_index=True, column_config={
            "country": t("home.col.country", lang), "year": t("home.col.year", lang), "pct": t("home.col.pillar", lang),
            "illustrative": t("home.col.status", lang),
            "link": st.column_config.LinkColumn(t("profile.col.profile", lang), display_text=r"country=(\w+)")})


def ground_section(prof: Profile, lang: str) -> None:
    """The ground figures with the records each rests on, and the counts by category."""
    st.subheader(t("profile.ground", lang))
    figures = prof.figures
    st.dataframe(pd.DataFrame([
        {t("profile.col.figure", lang): ground.figure_label(k, lang), t("profile.col.value", lang):
         ground.figure_value(figures[k], lang), t("profile.col.basis", lang): ground.figure_basis(figures[k], lang)}
        for k in GROUND_KEYS]), hide_index=True, width="stretch", height="content")
    columns = st.columns(4)
    for column, prefix in zip(columns, ("legal_status", "commodity", "practice_class", "tailings_status")):
        field = ground.CATEGORY_FIELDS[prefix][2]
        rows = [(t_value(field, k.split(".", 1)[1], lang), f.value)
                for k, f in figures.items() if k.startswith(prefix + ".") and f.value]
        count = t("explorer.area.count", lang)
        column.dataframe(tables.localized(pd.DataFrame(rows, columns=[t(f"ground.by.{prefix}", lang), count]), lang,
                                          {count: 0}), hide_index=True)
    notes = [t("profile.ground_rules", lang)]
    if prof.ground_sources:
        notes.append(t("profile.ground_sources", lang, sources=sources_text(list(prof.ground_sources), lang,
                                                                             licences=True)))
    notes.append(popups.synthetic_note(prof.synthetic_extent, lang))
    st.caption(plain(popups.sentences([note for note in notes if note])))


def policy(prof: Profile, lang: str) -> None:
    """The seven recommendations beside the related ratings and ground figures."""
    st.subheader(t("profile.policy", lang))
    st.caption(t("profile.policy_note", lang))
    table = prof.policy.drop(columns="key").rename(columns={
        "recommendation": t("profile.col.recommendation", lang), "items": t("profile.col.items_ratings", lang),
        "ground": t("profile.col.ground", lang)})
    st.table(table, hide_index=True)


def facts(prof: Profile, lang: str) -> None:
    """Cited reference facts: figure (ranges kept), year and status beside it, source link."""
    st.subheader(t("profile.facts", lang))
    table = facts_table(prof.facts, lang)
    if table.empty:
        st.caption(t("profile.no_facts", lang))
        return
    st.markdown("\n".join(
        f"- **{plain(r.indicator)}**: {plain(r.figure)} — {t('profile.fact_when', lang, year=r.year, status=plain(r.status))}"
        f" — [{plain(r.source)}]({r.source_url})" for r in table.itertuples()))
    st.caption(t("profile.facts_caption", lang))


def mini_map(prof: Profile, lang: str) -> None:
    """The country with its sites, and a link to the map explorer at that scope."""
    fmap = profile_map.country_map(profile_data.world_outline(), profile_data.country_polygon(prof.iso3),
                                   profile_data.country_sites(prof.iso3), profile_data.pct_latest(), lang)
    st_folium(fmap, height=profile_map.HEIGHT_PX, use_container_width=True, returned_objects=[], key=keys.PROFILE_MAP)
    st.page_link("pages/explorer.py", label=t("profile.to_explorer", lang), icon=":material/layers:",
                 query_params={"scope": "country", "value": prof.iso3, "lang": lang})
    st.caption(t("profile.map_caption", lang))


def briefing_download(prof: Profile, lang: str) -> None:
    """The one-page HTML briefing (built when clicked)."""
    st.download_button(t("profile.briefing", lang), lambda: briefing.briefing_html(prof, lang),
                       file_name=f"asmgeo-briefing-{prof.iso3}.html", mime="text/html", on_click="ignore",
                       icon=":material/print:")
    st.caption(t("profile.briefing_hint", lang))
