"""The offline hand-out map: self-contained, honest about its data, translated, escaped, within budget."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from jinja2.utils import htmlsafe_json_dumps
from stores import demo_store_in

from asmgeo import cli
from asmgeo.config import DEFAULT_DEMO_SITES
from asmgeo.domain import mpf, practices, query
from asmgeo.errors import StoreError
from asmgeo.i18n import date, number, t
from asmgeo.ingest import commit
from asmgeo.ingest.validate import validate_file
from asmgeo.outputs import handout_data
from asmgeo.outputs.handout import (
    SIZE_BUDGET_BYTES,
    handout_filename,
    handout_html,
    handout_notes,
)
from asmgeo.outputs.standalone import online_tile_layers
from asmgeo.provenance import DEMO_LICENCE, DEMO_SOURCE
from asmgeo.shipped import boundaries, reference
from asmgeo.store import batches, open_store
from asmgeo.store import ratings as ratings_table

REGIONS = ("africa", "lac", "asia")
# Every "http://" or "https://" the file may hold. None is a request: they come from the inlined
# third-party code, and nothing in the page loads them.
LEAFLET_LINK = "https://leafletjs.com"  # Leaflet's default attribution link; the hand-out sets a plain prefix
ALLOWED_URLS = {
    "http://www.w3.org/2000/svg",  # SVG namespace URI (Leaflet's createElementNS, its flag icon's xmlns)
    LEAFLET_LINK,
    "https://bugs.chromium.org/p/chromium/issues/detail?id=600120",  # a comment in leaflet.css
    "https://bugzilla.mozilla.org/show_bug.cgi?id=888319",  # a comment in leaflet.css
}
LAYER_KEYS = ("map.layer.sites", "handout.layer.mercury", "map.layer.tailings", "handout.layer.geology_units",
              "handout.layer.geology_raster")
HOSTILE = '<script>alert("x")</script> & <b>Co</b>'


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A store with the default demo (2,000 sites), the ASMGEO_* variables pointing at it."""
    with demo_store_in(tmp_path_factory.mktemp("handout"), DEFAULT_DEMO_SITES) as store:
        yield store


@pytest.fixture(scope="module")
def pages(demo) -> dict[tuple[str, str], str]:
    """The hand-out of each region in English, and of Africa in French and Spanish; times printed."""
    built = {}
    for region, lang in [*((r, "en") for r in REGIONS), ("africa", "fr"), ("africa", "es")]:
        started = time.perf_counter()
        built[(region, lang)] = handout_html(demo, region=region, lang=lang)
        print(f"\n[handout] {region} {lang}: {len(built[(region, lang)].encode()):,} bytes "
              f"in {time.perf_counter() - started:.2f} s")
    return built


def _json_text(text: str) -> str:
    """``text`` as it appears inside a payload written with Jinja's ``tojson`` (quotes dropped)."""
    return str(htmlsafe_json_dumps(text))[1:-1]


def _layer_label(name: str) -> str:
    """A layer name as the layer control's script holds it (escaped for HTML, then tojson)."""
    return _json_text(html.escape(name))


def _header(page: str) -> str:
    """The text of the page's header, as a reader sees it."""
    found = re.search(r'<header class="asmgeo-standalone-header">(.*?)</header>', page, re.DOTALL)
    assert found, "the page has no header"
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def _overlays(page: str) -> str:
    """The overlays part of the layer control's script."""
    found = re.search(r"_layers = \{\s*base_layers : \{\s*\},\s*overlays :\s*\{(.*?)\},\s*\};", page, re.DOTALL)
    assert found, "no layer control"
    return found.group(1)


def _region_iso3(region: str) -> list[str]:
    world = boundaries.load_countries("full")
    return world.loc[world["region"] == region, "iso3"].tolist()


class _Markup(HTMLParser):
    """src/href/url attributes of the markup (script and style bodies are not markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.refs += [value or "" for name, value in attrs if name in ("src", "href", "srcset", "action", "data")]


@pytest.mark.parametrize("region", REGIONS)
def test_the_file_refers_to_no_other_host(pages, region):
    page = pages[(region, "en")]
    markup = _Markup()
    markup.feed(page)
    assert [ref for ref in markup.refs if not ref.startswith(("data:", "#"))] == []
    linked = re.findall(r"""(?:src|href)\s*=\s*\\?["']?\s*((?:[a-z][\w+.-]*:)?//[^"'\s\\>]*)""", page, re.IGNORECASE)
    assert set(linked) == {LEAFLET_LINK}  # only inside leaflet.js, as a string the page never shows
    assert not re.search(r"@import", page, re.IGNORECASE)
    css_urls = re.findall(r"""url\(\s*['"]?([^'")]*)""", page)
    assert css_urls and all(u.startswith(("data:", "#")) for u in css_urls), sorted(set(css_urls))
    assert online_tile_layers(page) == [] and "L.tileLayer(" not in page
    assert "/app/static" not in page  # nothing from the Streamlit server either
    urls = set(re.findall(r"""https?://[^\s"'<>)\\]*""", page))
    assert urls <= ALLOWED_URLS, sorted(urls - ALLOWED_URLS)


@pytest.mark.parametrize("region", REGIONS)
def test_the_size_stays_within_the_budget(pages, region):
    size = len(pages[(region, "en")].encode("utf-8"))
    print(f"\n[handout] {region}: {size / 2**20:.2f} MB")
    assert 100_000 < size <= SIZE_BUDGET_BYTES


@pytest.mark.parametrize("region", REGIONS)
def test_the_header_names_the_scope_dates_contents_and_labels(pages, demo, region):
    page = pages[(region, "en")]
    header = _header(page)
    assert f"<title>{html.escape(t('handout.title', scope=t(f'region.{region}')))}</title>" in page
    assert t("handout.title", scope=t(f"region.{region}")) in header
    assert t("handout.dates", exported=date(dt.date.today()), data_date=date(_expected_data_date(demo, region))) in header
    sites = _expected_sites(demo, region)
    assert t("handout.contents", sites=number(len(sites)), mercury=number(_expected_records(demo, region, "mercury", "site_id")),
             tailings=number(_expected_records(demo, region, "tailings", "tailings_id")),
             units=number(_expected_units(demo, region))) in header
    assert t("handout.synthetic", source=DEMO_SOURCE) in header
    assert t("handout.illustrative") in header


def _expected_sites(store, region: str) -> pd.DataFrame:
    """Latest visit per site whose country field is in the region (a path independent of the code's)."""
    visits = store.read("sites")
    latest = query.latest_sites(visits, practices.load_rules())
    return latest[latest["country"].isin(_region_iso3(region))]


def _expected_records(store, region: str, layer: str, id_column: str) -> int:
    """Latest records of the region's sites (linked by site_id, not by location)."""
    records = query.latest_records(store.read(layer), id_column)
    return int(records["site_id"].isin(set(_expected_sites(store, region)["site_id"])).sum())


def _expected_units(store, region: str) -> int:
    units = store.read("geology_units")
    return int(units["country"].isin(_region_iso3(region)).sum())


def _expected_data_date(store, region: str) -> dt.date:
    visits = store.read("sites")
    ids = set(visits.loc[visits["country"].isin(_region_iso3(region)), "site_id"])
    dates = [visits.loc[visits["site_id"].isin(ids), "survey_date"]]
    for layer in ("mercury", "tailings"):
        records = store.read(layer)
        dates.append(records.loc[records["site_id"].isin(ids), "survey_date"])
    return pd.to_datetime(pd.concat(dates)).max().date()


@pytest.mark.parametrize("region", REGIONS)
def test_the_header_cites_every_source_and_licence_and_the_regional_average_with_its_caveat(pages, region):
    header = _header(pages[(region, "en")])
    for text in (boundaries.BOUNDARIES_SOURCE, boundaries.BOUNDARIES_LICENCE, DEMO_SOURCE, DEMO_LICENCE,
                 mpf.ILLUSTRATIVE_SOURCE):
        assert text in header
    average = reference.regional_averages().set_index("region").loc[region]
    assert average["source"] in header
    sentence = t("handout.regional_average", region=t(f"region.{region}"), pct=number(average["implementation_pct"]),
                 countries=number(average["countries_assessed"]))
    assert sentence in header and "not Pillar 6 alone" in sentence
    legend_note = t("handout.legend.regional", region=t(f"region.{region}"), pct=number(average["implementation_pct"]))
    assert _json_text(legend_note) in pages[(region, "en")]  # on the map too, in the Pillar 6 legend


@pytest.mark.parametrize("region", REGIONS)
def test_every_layer_is_in_the_layer_control_with_its_legend_and_labels(pages, region):
    page = pages[(region, "en")]
    names = [t("handout.layer.illustrative", layer=t("map.legend.pillar"))]
    names += [t("handout.layer.synthetic", layer=t(key)) for key in LAYER_KEYS]
    control = _overlays(page)
    for name in names:
        assert _layer_label(name) in control, name
    for legend in (t("map.legend.pillar"), t("map.layer.mercury"), t("map.layer.tailings"),
                   t("handout.layer.geology_units"), t("handout.layer.geology_raster"),
                   f"{t('map.layer.sites')}: {t('map.style.practice_class')}"):
        assert f'"title": {htmlsafe_json_dumps(legend)}' in page, legend
    for label in (t("map.legend.synthetic"), t("map.legend.illustrative"), t("map.popup.synthetic"),
                  t("map.legend.not_assessed")):
        assert _json_text(label) in page
    assert page.count('"demo_source": "synthetic demo"') == 4  # sites, mercury, tailings, units popups


def test_popups_carry_each_countrys_pillar_6_figure(pages, demo):
    page = pages[("africa", "en")]
    pct = mpf.latest_pct(ratings_table.read_ratings(demo)).set_index("iso3")
    for iso3 in ("SEN", "MDG", "RWA"):
        text = t("handout.pillar_value", pct=number(pct.at[iso3, "pct"]), status=t("mpf.status.illustrative"))
        assert _json_text(text) in page
    assert _json_text(t("map.popup.pillar")) in page


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_french_and_spanish_files_use_their_language(pages, demo, lang):
    page = pages[("africa", lang)]
    control = _overlays(page)
    for key in LAYER_KEYS:
        assert _layer_label(t("handout.layer.synthetic", lang, layer=t(key, lang))) in control
    header = _header(page)
    assert t("handout.title", lang, scope=t("region.africa", lang)) in header
    assert t("handout.dates", lang, exported=date(dt.date.today(), lang),
             data_date=date(_expected_data_date(demo, "africa"), lang)) in header
    assert t("handout.help", lang) in header
    names = boundaries.country_names(lang)
    assert _json_text(names["SEN"]) in page and _json_text(names["MDG"]) in page


def test_notes_use_the_given_day_and_say_when_there_is_no_survey_data(demo):
    world = boundaries.load_countries("full")
    data = handout_data.read_scope(demo, handout_data.check_scope(None, ["FRA"], world), world)
    assert data.sites.empty and data.mercury.empty and data.tailings.empty
    notes = handout_notes(data, "fr", today=dt.date(2026, 3, 1))
    assert notes[0] == t("handout.dates_no_data", "fr", exported=date(dt.date(2026, 3, 1), "fr"))
    assert t("handout.illustrative", "fr") not in notes  # France has no Pillar 6 rating
    page = handout_html(demo, countries=["FRA"], lang="fr")
    assert _overlays(page).count(" : feature_group_") == 1  # only the countries: no empty layer to switch
    assert _layer_label(t("map.layer.countries", "fr")) in _overlays(page)


def test_a_country_hand_out_and_its_file_name(demo):
    page = handout_html(demo, countries=["ecu"], lang="es")
    name = boundaries.country_names("es")["ECU"]
    assert t("handout.title", "es", scope=name) in _header(page)
    assert handout_filename(countries=["ecu"], lang="es") == "asmgeo-handout-ECU-es.html"
    assert handout_filename(region="lac") == "asmgeo-handout-lac-en.html"
    assert handout_filename(countries=["ECU", "PER", "ECU"], lang="fr") == "asmgeo-handout-ECU-PER-fr.html"
    assert len(page.encode()) < len(handout_html(demo, region="lac").encode())


@pytest.mark.parametrize("kwargs, named", [
    ({}, "region"),
    ({"region": "africa", "countries": ["ECU"]}, "countries"),
    ({"region": "europe"}, "'europe'"),
    ({"region": "Africa"}, "'Africa'"),
    ({"countries": "ECU"}, "countries='ECU'"),
    ({"countries": []}, "countries=[]"),
    ({"countries": ["EC"]}, "'EC'"),
    ({"countries": ["XXX"]}, "'XXX'"),
    ({"countries": [None]}, "None"),
    ({"region": "africa", "lang": "de"}, "lang='de'"),
])
def test_bad_arguments_raise_naming_the_argument_and_value(demo, kwargs, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        handout_html(demo, **kwargs)
    with pytest.raises(ValueError, match=re.escape(named)):
        handout_filename(**kwargs)


def test_a_missing_store_is_one_sentence(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        handout_html(open_store(tmp_path / "none.gpkg"), region="asia")


def _survey(folder: Path, name: str) -> Path:
    """A one-site survey in Ecuador, later than any demo visit, with ``name``."""
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-78.5, -1.5]},
               "properties": {"site_id": "ECU-FIELD-1", "commodity": "gold", "survey_date": "2026-11-20",
                              "name": name, "country": "ECU", "source": "field survey 2026"}}
    path = folder / "survey.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    return path


def test_pending_imports_stay_out_and_values_stay_text_once_approved(tmp_path):
    with demo_store_in(tmp_path, 60) as store:
        report = validate_file(_survey(tmp_path, HOSTILE), "sites", boundaries.load_countries("full"))
        result = commit.import_report(store, report, by="tester")
        assert result.batch is not None

        pending = handout_html(store, countries=["ECU"])
        assert _json_text("ECU-FIELD-1") not in pending and "field survey 2026" not in pending
        assert t("handout.dates", exported=date(dt.date.today()), data_date=date(dt.date(2026, 11, 20))) not in _header(pending)

        batches.approve(store, result.batch)
        page = handout_html(store, countries=["ECU"])
        assert _json_text("ECU-FIELD-1") in page
        assert _json_text(HOSTILE) in page  # the name is data inside the payload ...
        assert HOSTILE not in page and "<script>alert" not in page and "<b>Co</b>" not in page  # ... never markup
        header = _header(page)
        assert t("handout.dates", exported=date(dt.date.today()), data_date=date(dt.date(2026, 11, 20))) in header
        assert "field survey 2026" in header  # its source is cited beside the layer's


def test_the_cli_writes_the_file_and_prints_where_and_how_big(demo, tmp_path, capsys):
    out = tmp_path / "africa.html"
    assert cli.main(["export-map", "--region", "africa", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    size = out.stat().st_size
    assert 100_000 < size <= SIZE_BUDGET_BYTES
    assert printed.strip() == t("handout.cli.written", path=out, size=number(size / 2**20, "en", 1),
                                bytes=number(size, "en"))
    assert cli.main(["export-map", "--country", "ecu", "--out", str(tmp_path / "e.html"), "--lang", "fr"]) == 0
    assert t("handout.title", "fr", scope=boundaries.country_names("fr")["ECU"]) in _header(
        (tmp_path / "e.html").read_text(encoding="utf-8"))
    assert str(tmp_path / "e.html") in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--region", "europe", "--out", "x.html"], "invalid choice: 'europe'"),
    (["--country", "EC", "--out", "x.html"], t("handout.cli.bad_iso3", value="EC")),
    (["--region", "africa", "--country", "ECU", "--out", "x.html"], "not allowed with argument"),
    (["--out", "x.html"], "one of the arguments --region --country is required"),
    (["--region", "africa"], "the following arguments are required: --out"),
    (["--region", "africa", "--out", "x.gpkg"], t("handout.cli.bad_out", value="x.gpkg")),
])
def test_bad_cli_arguments_are_argparse_errors(demo, tmp_path, capsys, argv, message):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["export-map", *argv])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_an_unknown_country_is_one_sentence_and_exit_2(demo, tmp_path, capsys):
    out = tmp_path / "x.html"
    assert cli.main(["export-map", "--country", "XXX", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == t("cli.error", message=t("handout.unknown_country", code="XXX"))
    assert not out.exists()
