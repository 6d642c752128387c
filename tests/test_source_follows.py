"""The source follows the data: every output shows each feature's own source, licence and survey date as written,
says "synthetic" only where synthetic features are, and never lets out an imported feature's submission id or
the file's other columns (``extra``).

Field data is made here: a KoboToolbox-like CSV (``_uuid`` submission ids, an ``enumerator_phone`` column that
matches no field, a year and a year-month date) run through the real validate → import → approve path, and
small frames mixing those rows with synthetic demo rows.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from jinja2.utils import htmlsafe_json_dumps
from stores import demo_store_in
from streamlit.testing.v1 import AppTest

from asmgeo.domain import ground, practices, profile, query
from asmgeo.i18n import LANGUAGES, date, t
from asmgeo.ingest import commit
from asmgeo.ingest.validate import validate_file, with_provenance
from asmgeo.maps import explorer, popups, share, upload_map, viewport
from asmgeo.outputs import briefing, export, handout, handout_layers, standalone
from asmgeo.provenance import (
    DEMO_LICENCE,
    DEMO_SOURCE,
    provenance_label,
    source_counts,
    synthetic_extent,
)
from asmgeo.schema import format_survey_date
from asmgeo.shipped import boundaries, reference
from asmgeo.store import batches, open_store

PHONE = "+243 999 000 111"  # an enumerator's phone number: an extra column of the file, never to leave the app
UUID = "uuid:5b1c-0001"
KOBO = "Kobo survey Ecuador 2026"
LICENCE = "CC BY 4.0"
VIEW = viewport.View((-82.0, -6.0, -74.0, 2.0), 6)  # Ecuador
SEN_VIEW = viewport.View((-18.0, 10.0, -11.0, 17.0), 7)
APP = Path(__file__).resolve().parent.parent / "app.py"
# Every text that says data is synthetic, in every language: none may be in the bytes of an output of field data.
SYNTHETIC_KEYS = ("map.legend.synthetic", "map.legend.synthetic_some", "map.popup.synthetic",
                  "map.source.synthetic_demo", "handout.layer.synthetic", "handout.layer.partly_synthetic",
                  "handout.synthetic", "export.synthetic_notice", "briefing.synthetic", "briefing.synthetic_some",
                  "provenance.demo_licence", "profile.synthetic_label", "profile.synthetic_some_label")


def _synthetic_words() -> list[str]:
    """The fixed part of every synthetic label in every language (placeholders cut out)."""
    words = {DEMO_SOURCE, DEMO_LICENCE, "synthetic", "synthétique", "sintétic"}
    for key in SYNTHETIC_KEYS:
        for lang in LANGUAGES:
            words.update(part for part in re.split(r"\{\w+\}", t(key, lang)) if len(part.strip()) > 12)
    return sorted(words)


def assert_nothing_synthetic(data: bytes | str) -> None:
    """No synthetic label, no demo source, not even the word, in ``data`` (any case)."""
    text = (data if isinstance(data, str) else data.decode("utf-8", errors="replace")).casefold()
    for word in _synthetic_words():
        escaped = str(htmlsafe_json_dumps(word))[1:-1].casefold()
        assert word.casefold() not in text and escaped not in text, f"{word!r} in an output of field data only"


def assert_nothing_withheld(data: bytes | str) -> None:
    """Neither the submission id nor the extra columns (name or value) in ``data``."""
    text = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
    for withheld in (PHONE, UUID, "enumerator_phone", "submission_id", '"extra"', "extra:"):
        assert withheld not in text, f"{withheld!r} left the app"


# ----------------------------------------------------------------------------------------- frames


def _field_sites(lon: float = -78.5, lat: float = -1.5, country: str = "ECU") -> gpd.GeoDataFrame:
    """Two latest visits of imported sites as the store and ``query.latest_sites`` give them back."""
    return gpd.GeoDataFrame(
        {"site_id": ["K-1", "K-2"], "name": ["Kobo one", "Kobo two"], "commodity": ["gold", "gold"],
         "legal_status": ["informal", "licensed"], "practice_class": ["good", "good"], "workers": [12, 30],
         "women": [3, 4], "mercury_use": ["yes", "no"], "survey_date": pd.to_datetime(["2019-01-01", "2024-01-01"]),
         "visits": [1, 1], "country": [country, country], "source": [KOBO, KOBO], "licence": [LICENCE, LICENCE],
         "survey_date_precision": ["year", "month"], "submission_id": [UUID, "uuid:5b1c-0002"],
         "extra": [json.dumps({"enumerator_phone": PHONE}), json.dumps({"enumerator_phone": "+243 999 000 222"})],
         "batch": ["b1", "b1"]},
        geometry=[shapely.Point(lon, lat), shapely.Point(lon + 0.2, lat + 0.1)], crs="EPSG:4326",
    )


def _demo_sites(lon: float = -78.0, lat: float = -1.0, country: str = "ECU") -> gpd.GeoDataFrame:
    """Two synthetic demo sites (no precision, licence, submission id or extra: the demo has none)."""
    return gpd.GeoDataFrame(
        {"site_id": ["D-1", "D-2"], "name": ["Demo one", "Demo two"], "commodity": ["gold", "gold"],
         "legal_status": ["informal", "informal"], "practice_class": ["poor", "poor"], "workers": [5, 6],
         "women": [1, 1], "mercury_use": ["yes", "yes"], "survey_date": pd.to_datetime(["2023-05-02", "2023-06-03"]),
         "visits": [2, 2], "country": [country, country], "source": [DEMO_SOURCE, DEMO_SOURCE]},
        geometry=[shapely.Point(lon, lat), shapely.Point(lon + 0.1, lat + 0.1)], crs="EPSG:4326",
    )


def _mixed() -> gpd.GeoDataFrame:
    return pd.concat([_field_sites(), _demo_sites()], ignore_index=True)


def _field_mercury() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"record_id": ["HG-1"], "survey_date": pd.to_datetime(["2024-03-01"]), "hg_kg_per_year": [2.5],
         "site_id": ["K-1"], "source": [KOBO], "licence": [LICENCE], "survey_date_precision": ["month"],
         "submission_id": [UUID], "extra": [json.dumps({"enumerator_phone": PHONE})]},
        geometry=[shapely.Point(-78.5, -1.5)], crs="EPSG:4326")


def _pct() -> pd.DataFrame:
    return pd.DataFrame(columns=["iso3", "year", "pct", "illustrative"])


def _layers(sites: gpd.GeoDataFrame, **more) -> explorer.Layers:
    countries = boundaries.load_countries("web")
    return explorer.Layers(countries=countries[countries["iso3"] == "ECU"], pct=_pct(), sites=sites, **more)


def _payloads(group, script: str) -> list[dict]:
    return [c.payload for c in group._children.values() if isinstance(c, explorer.PayloadLayer) and script in c.code]


# ------------------------------------------------------------------------------- survey dates


@pytest.mark.parametrize(("raw", "precision", "lang", "shown"), [
    (pd.Timestamp("2019-01-01"), "year", "en", "2019"),
    (pd.Timestamp("2019-01-01"), "year", "fr", "2019"),
    (pd.Timestamp("2024-01-01"), "month", "en", "Jan 2024"),
    (pd.Timestamp("2024-01-01"), "month", "fr", "janv. 2024"),
    (pd.Timestamp("2024-01-01"), "month", "es", format_survey_date("2024-01-01", "month", "es", "medium")),
    ("2024-01-01", "month", "en", "Jan 2024"),
    (pd.Timestamp("2024-01-15"), "day", "fr", date(dt.date(2024, 1, 15), "fr")),
    (pd.Timestamp("2024-01-15"), None, "en", date(dt.date(2024, 1, 15), "en")),
    ("2019", None, "en", "2019"),  # a rejected feature's text, as written
])
def test_a_survey_date_is_shown_at_the_precision_it_was_written_with(raw, precision, lang, shown):
    assert popups.value("survey_date", raw, lang, precision) == shown
    assert "01-01" not in shown and "1 janv. 2019" not in shown


def test_every_popup_writes_the_date_as_written():
    sites = _field_sites()
    rows = [popups.script_row(row, popups.columns("sites"), "en") for row in sites.itertuples()]
    at = popups.columns("sites").index("survey_date")
    assert [row[at] for row in rows] == ["2019", "Jan 2024"]
    series = sites.iloc[0]
    assert popups.row_value(series, "survey_date", "fr") == "2019"
    popup = upload_map.popup_html(sites.iloc[1], "sites", "fr")
    assert "janv. 2024" in popup and "2024-01-01" not in popup and "1 janv. 2024" not in popup


def test_csv_and_geojson_write_the_date_at_its_precision_and_keep_the_precision():
    sites = _mixed()
    csv = pd.read_csv(pd.io.common.BytesIO(export.csv_bytes(sites)), dtype=str, encoding="utf-8-sig")
    assert csv["survey_date"].tolist() == ["2019", "2024-01", "2023-05-02", "2023-06-03"]
    assert csv["survey_date_precision"].fillna("").tolist() == ["year", "month", "", ""]
    features = json.loads(export.geojson_bytes(sites))["features"]
    assert [f["properties"]["survey_date"] for f in features] == ["2019", "2024-01", "2023-05-02", "2023-06-03"]
    assert [f["properties"]["survey_date_precision"] for f in features] == ["year", "month", None, None]
    for value, precision in zip(sites["survey_date"], sites["survey_date_precision"]):  # one way of writing it
        written = format_survey_date(value, None if pd.isna(precision) else precision)
        assert written in [f["properties"]["survey_date"] for f in features]


def test_the_latest_visit_and_the_data_date_keep_their_precision():
    sites = _field_sites()
    assert query.latest_survey_date(sites) == (dt.date(2024, 1, 1), "month")
    assert query.latest_survey_date(sites.iloc[:1]) == (dt.date(2019, 1, 1), "year")
    day = sites.iloc[1:].assign(survey_date_precision=["day"])
    assert query.latest_survey_date(sites, day) == (dt.date(2024, 1, 1), "day")  # the finer of the same day
    assert query.latest_survey_date(sites.iloc[:0]) is None
    figures = ground.ground_figures(sites, _field_mercury().iloc[:0], _tailings_none(), "ECU", dt.date(2026, 6, 30))
    assert ground.figure_value(figures["latest_visit"], "en") == "Jan 2024"
    only_2019 = ground.ground_figures(sites.iloc[:1], _field_mercury().iloc[:0], _tailings_none(), "ECU",
                                      dt.date(2026, 6, 30))
    assert ground.figure_value(only_2019["latest_visit"], "fr") == "2019"


def _tailings_none() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"tailings_id": [], "site_id": [], "survey_date": pd.to_datetime([]), "status": []},
                            geometry=[], crs="EPSG:4326")


# ----------------------------------------------------------------------- sources and licences


def test_each_feature_counts_under_its_own_source_and_licence():
    counts = source_counts(_mixed(), licences={KOBO: "not this one"})
    assert [(c.source, c.licence, c.features, c.synthetic) for c in counts] == [
        (KOBO, LICENCE, 2, False), (DEMO_SOURCE, DEMO_LICENCE, 2, True)]
    assert synthetic_extent(_field_sites()) == "none"
    assert synthetic_extent(_mixed()) == "some" and synthetic_extent(_demo_sites()) == "all"
    no_licence = _field_sites().drop(columns="licence")
    assert [(c.source, c.licence) for c in source_counts(no_licence)] == [(KOBO, "")]
    assert [(c.source, c.licence) for c in source_counts(no_licence, licences={KOBO: "ODbL"})] == [(KOBO, "ODbL")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_popups_show_each_features_own_source_and_licence_and_mark_only_demo_rows(lang):
    group = explorer.data_layers(_layers(_mixed()), ("sites",), VIEW, "practice_class", 0.6, lang)
    (points,) = _payloads(group, "asmgeo-site")
    columns = points["columns"]
    by_id = {row[3 + columns.index("site_id")]: row[3:] for row in points["rows"]}
    assert by_id["K-1"][columns.index("source")] == KOBO and by_id["K-1"][columns.index("licence")] == LICENCE
    assert by_id["D-1"][columns.index("source")] == DEMO_SOURCE  # worded in the browser: points["sources"]
    assert points["sources"] == {DEMO_SOURCE: provenance_label(DEMO_SOURCE, lang)}
    assert points["demo_source"] == DEMO_SOURCE and points["demo_note"] == t("map.popup.synthetic", lang)
    assert points["labels"]["licence"] == t("map.popup.licence", lang)
    assert "extra" not in columns and "submission_id" not in columns


@pytest.mark.parametrize("lang", LANGUAGES)
def test_legends_list_the_sources_shown_and_say_which_features_are_synthetic(lang):
    group = explorer.data_layers(_layers(_mixed()), ("sites",), VIEW, "practice_class", 0.6, lang)
    (legend,) = _payloads(group, "asmgeo-legend")
    assert t("map.legend.sources", lang, sources=f"{KOBO}; {provenance_label(DEMO_SOURCE, lang)}") in legend["note"]
    assert t("map.legend.synthetic_some", lang, source=provenance_label(DEMO_SOURCE, lang)) in legend["note"]
    field = explorer.data_layers(_layers(_field_sites()), ("sites",), VIEW, "practice_class", 0.6, lang)
    (legend,) = _payloads(field, "asmgeo-legend")
    assert legend["note"] == t("map.legend.sources", lang, sources=KOBO) + "."
    demo = explorer.data_layers(_layers(_demo_sites()), ("sites",), VIEW, "practice_class", 0.6, lang)
    (legend,) = _payloads(demo, "asmgeo-legend")
    assert t("map.legend.synthetic", lang) in legend["note"]


def test_a_legend_speaks_for_the_features_in_view():
    far_demo = _demo_sites(lon=-16.0, lat=14.0, country="SEN")
    group = explorer.data_layers(_layers(pd.concat([_field_sites(), far_demo], ignore_index=True)), ("sites",),
                                 VIEW, "practice_class", 0.6)
    (legend,) = _payloads(group, "asmgeo-legend")
    assert legend["note"] == t("map.legend.sources", sources=KOBO) + "."  # the demo sites are in Senegal


def test_the_explorer_map_of_field_data_says_nothing_synthetic_and_withholds_extra():
    mercury = _field_mercury()
    fmap = explorer.base_map(explorer.world_outline(boundaries.load_countries("web").iloc[:3]), "fr", drawing=False)
    explorer.data_layers(_layers(_field_sites(), mercury=mercury), ("sites", "mercury"), VIEW, "practice_class", 0.6,
                         "fr").add_to(fmap)
    page = fmap.get_root().render()
    assert_nothing_synthetic(page)
    assert_nothing_withheld(page)
    assert _json(KOBO) in page and _json(LICENCE) in page and _json("janv. 2024") in page and _json("2019") in page


def _json(text: str) -> str:
    return str(htmlsafe_json_dumps(text))[1:-1]


def test_the_explorers_offline_map_names_the_sources_in_view_and_nothing_synthetic(tmp_path):
    layers = _layers(pd.concat([_field_sites(), _demo_sites(lon=-16.0, lat=14.0, country="SEN")], ignore_index=True))
    drawn = explorer.drawn_features(layers, ("sites",), VIEW)
    assert set(drawn["sites"]["source"]) == {KOBO}
    fmap = explorer.base_map(explorer.world_outline(boundaries.load_countries("web").iloc[:3]), "en", drawing=False)
    explorer.data_layers(layers, ("sites",), VIEW, "practice_class", 0.6).add_to(fmap)
    notes = handout.map_source_notes(drawn, "en")
    assert notes == [t("handout.sources", items=t("handout.source_item", layer=t("map.layer.sites"), source=KOBO,
                                                   licence=LICENCE))]
    page = standalone.standalone_html(fmap, "Ecuador", notes)
    assert_nothing_synthetic(page)
    assert_nothing_withheld(page)
    over_senegal = handout.map_source_notes(explorer.drawn_features(layers, ("sites",), SEN_VIEW), "en")
    assert t("handout.synthetic", source=DEMO_SOURCE) in over_senegal


# ---------------------------------------------------------------------------------- downloads


def test_downloads_of_field_data_carry_its_source_and_licence_and_nothing_withheld():
    sites = _field_sites()
    geojson = export.geojson_bytes(sites, {"lang": "fr"})
    csv = export.csv_bytes(sites)
    gpkg = export.gpkg_bytes({"sites": sites, "mercury": _field_mercury()}, {"lang": "es"})
    for data in (geojson, csv, gpkg):
        assert_nothing_withheld(data)
        assert DEMO_SOURCE not in data.decode("utf-8", errors="replace").casefold()
        assert KOBO.encode() in data and LICENCE.encode() in data
    meta = json.loads(geojson)["asmgeo"]
    assert meta["synthetic"] is False and "notice" not in meta
    assert meta["provenance"] == [{"source": KOBO, "licence": LICENCE, "features": 2, "synthetic": False}]
    properties = json.loads(geojson)["features"][0]["properties"]
    assert properties["source"] == KOBO and properties["licence"] == LICENCE
    assert not {"extra", "submission_id"} & set(properties)
    assert "licence" in pd.read_csv(pd.io.common.BytesIO(csv), encoding="utf-8-sig").columns
    read = gpd.read_file(pd.io.common.BytesIO(gpkg), layer="sites")
    assert not {"extra", "submission_id"} & set(read.columns) and set(read["licence"]) == {LICENCE}
    assert "survey_date_precision" in read.columns  # the GeoPackage keeps a real date, and how much of it was given


def test_a_mixed_download_says_which_features_are_synthetic():
    meta = json.loads(export.geojson_bytes(_mixed(), {"lang": "fr"}))["asmgeo"]
    assert meta["synthetic"] is True and meta["notice"] == t("export.synthetic_notice", "fr")
    assert DEMO_SOURCE in meta["notice"]  # the rows are named by their source
    assert meta["provenance"] == [{"source": KOBO, "licence": LICENCE, "features": 2, "synthetic": False},
                                  {"source": DEMO_SOURCE, "licence": DEMO_LICENCE, "features": 2, "synthetic": True}]
    assert_nothing_withheld(export.geojson_bytes(_mixed()))
    assert_nothing_withheld(export.csv_bytes(_mixed()))


def test_the_rejected_download_gives_the_data_officer_their_own_columns_back():
    rejected = gpd.GeoDataFrame({"site_id": ["X"], "enumerator_phone": [PHONE], "_reasons": ["no date"]},
                                geometry=[shapely.Point(-78.5, -1.5)], crs="EPSG:4326")
    assert PHONE in json.loads(export.rejected_geojson_bytes(rejected))["features"][0]["properties"]["enumerator_phone"]


def test_a_share_link_holds_the_view_never_data():
    state, warnings = share.from_query_params({"scope": "country", "value": "ECU", "extra": PHONE,
                                               "submission_id": UUID, "layers": "sites"})
    link = "&".join(f"{k}={v}" for k, v in share.to_query_params(state).items())
    assert link == "scope=country&value=ECU&layers=sites"
    assert len(warnings) == 2  # the two keys a link cannot carry are dropped, and said so
    assert_nothing_withheld(link)


# -------------------------------------------------------------------------- hand-outs (store)


def _kobo_csv(folder: Path, lon: float = -78.5, lat: float = -1.5) -> Path:
    """A KoboToolbox-like export: submission ids, a year and a year-month date, an enumerator's phone."""
    path = folder / "kobo.csv"
    path.write_text(
        "site_id,commodity,survey_date,latitude,longitude,name,source,_uuid,enumerator_phone\n"
        f"K-1,gold,2019,{lat},{lon},Kobo one,{KOBO},{UUID},{PHONE}\n"
        f"K-2,gold,2026-11,{lat - 0.001},{lon - 0.001},Kobo two,{KOBO},uuid:5b1c-0002,+243 999 000 222\n",
        encoding="utf-8")
    return path


def _import(store, path: Path) -> None:
    """Validate, import (as ``--source KOBO --licence LICENCE`` give them) and approve ``path``."""
    report = validate_file(path, "sites", boundaries.load_countries("full"))
    assert report.accepted_count == 2, report.issues
    assert report.accepted["extra"].str.contains(PHONE, regex=False).any()  # the phone is kept with the feature
    result = commit.import_report(store, with_provenance(report, KOBO, LICENCE), by="test")
    batches.approve(store, result.batch)


@pytest.fixture(scope="module")
def field_store(tmp_path_factory):
    """A store that holds field data only (no demo was ever built)."""
    folder = tmp_path_factory.mktemp("field-only")
    store = open_store(folder / "store.gpkg")
    _import(store, _kobo_csv(folder))
    stored = store.read("sites")
    assert {"extra", "submission_id", "survey_date_precision", "licence"} <= set(stored.columns)
    return store


def test_a_hand_out_of_field_data_says_nothing_synthetic_and_withholds_extra(field_store):
    page = handout.handout_html(field_store, countries=["ECU"], lang="fr")
    assert_nothing_synthetic(page)
    assert_nothing_withheld(page)
    header = _header(page)
    assert t("handout.source_item", "fr", layer=t("map.layer.sites", "fr"), source=KOBO, licence=LICENCE) in header
    assert t("handout.dates", "fr", exported=date(dt.date.today(), "fr"), data_date="nov. 2026") in header
    assert _json("2019") in page and _json("nov. 2026") in page and "2019-01-01" not in page


def test_a_briefing_of_field_data_names_its_source_and_says_nothing_synthetic(field_store):
    sites = query.latest_sites(field_store.read("sites"), practices.load_rules())
    prof = _profile(sites)
    assert prof.synthetic_extent == "none" and prof.data_date == dt.date(2026, 11, 1)
    page = briefing.briefing_html(prof, "en")
    assert_nothing_synthetic(page)
    assert_nothing_withheld(page)
    assert t("provenance.source_licence", source=KOBO, licence=LICENCE) in page
    assert "Nov 2026" in page and "Nov 1, 2026" not in page


def _profile(sites: gpd.GeoDataFrame) -> profile.Profile:
    empty = gpd.GeoDataFrame({"site_id": [], "survey_date": pd.to_datetime([]), "hg_kg_per_year": [], "status": []},
                             geometry=[], crs="EPSG:4326")
    ratings = pd.DataFrame(columns=["iso3", "year", "item", "implemented", "rating_word", "source", "illustrative"])
    return profile.build_profile("ECU", "Ecuador", "lac", ratings, reference.assessments(),
                                 reference.regional_averages(), reference.country_facts("ECU"), sites, empty, empty,
                                 dt.date(2026, 12, 1))


@pytest.fixture(scope="module")
def mixed_store(tmp_path_factory):
    """A small demo plus approved field data placed where a demo site is (so one country holds both)."""
    folder = tmp_path_factory.mktemp("mixed")
    with demo_store_in(folder, 60) as store:
        demo = query.latest_sites(store.read("sites"), practices.load_rules())
        lac = set(reference.assessments().query("region == 'lac'")["iso3"])
        anchor = demo[demo["country"].isin(lac)].iloc[0]
        _import(store, _kobo_csv(folder, anchor.geometry.x, anchor.geometry.y))
        yield store, anchor["country"]


def test_a_mixed_hand_out_names_both_sources_and_marks_the_layer_partly_synthetic(mixed_store):
    store, iso3 = mixed_store
    page = handout.handout_html(store, countries=[iso3], lang="es")
    assert_nothing_withheld(page)
    header = _header(page)
    sites = t("map.layer.sites", "es")
    assert t("handout.source_item", "es", layer=sites, source=KOBO, licence=LICENCE) in header
    assert provenance_label(DEMO_SOURCE, "es") in header and provenance_label(DEMO_LICENCE, "es") in header
    assert t("handout.synthetic", "es", source=provenance_label(DEMO_SOURCE, "es")) in header
    assert _json(_html(t("handout.layer.partly_synthetic", "es", layer=sites))) in page
    assert _json(t("map.legend.synthetic_some", "es", source=provenance_label(DEMO_SOURCE, "es"))) in page
    assert '"demo_source": "synthetic demo"' in page  # the demo rows' popups are marked, by their source


def _html(text: str) -> str:
    return html.escape(text)


def _header(page: str) -> str:
    """The hand-out's header as a reader sees it."""
    found = re.search(r'<header class="asmgeo-standalone-header">(.*?)</header>', page, re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def test_a_hand_out_layer_name_marks_all_some_or_no_synthetic_data():
    assert handout_layers.layer_name("map.layer.sites", "none", "fr") == t("map.layer.sites", "fr")
    assert handout_layers.layer_name("map.layer.sites", "all", "fr") == t(
        "handout.layer.synthetic", "fr", layer=t("map.layer.sites", "fr"))
    assert handout_layers.layer_name("map.layer.sites", "some", "fr") == t(
        "handout.layer.partly_synthetic", "fr", layer=t("map.layer.sites", "fr"))
    with pytest.raises(ValueError, match="'half'"):
        handout_layers.layer_name("map.layer.sites", "half", "fr")


def test_a_mixed_briefing_says_which_part_is_synthetic(mixed_store):
    store, iso3 = mixed_store
    sites = query.latest_sites(store.read("sites"), practices.load_rules())
    prof = _profile(sites.assign(country=sites["country"].where(sites["country"] != iso3, "ECU")))
    assert prof.synthetic_extent == "some"
    page = briefing.briefing_html(prof, "fr")
    assert t("briefing.synthetic_some", "fr", source=provenance_label(DEMO_SOURCE, "fr")) in page.replace("&#x27;", "'")
    assert t("briefing.synthetic", "fr") not in page.replace("&#x27;", "'")
    assert_nothing_withheld(page)


# ------------------------------------------------------------------------------ profile page


def test_the_profile_page_lists_the_latest_visit_as_written_and_the_sources(mixed_store, fresh_streamlit_caches,
                                                                               monkeypatch):
    store, iso3 = mixed_store
    monkeypatch.setenv("ASMGEO_STORE", store.location)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["country"] = iso3
    at.run()
    at.switch_page("pages/profiles.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    ground_table = next(d.value for d in at.dataframe if t("profile.col.figure") in d.value.columns)
    latest = ground_table.set_index(t("profile.col.figure")).at[t("ground.figure.latest_visit"), t("profile.col.value")]
    assert latest == "Nov 2026"  # the field survey's month, not "Nov 1, 2026"
    infos = [str(i.value) for i in at.info]
    assert t("profile.synthetic_some_label", source=DEMO_SOURCE) in infos, infos
    assert t("profile.synthetic_label") not in infos
    captions = " ".join(str(c.value) for c in at.caption).replace("\\", "")
    assert KOBO in captions and LICENCE in captions
