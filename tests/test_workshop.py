"""The workshop area (asmgeo.maps.workshop): areas as text, bounds, the regional Pillar 6 picture, country labels."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, box

from asmgeo.maps import workshop
from asmgeo.maps.viewport import WORLD_BOUNDS
from asmgeo.maps.workshop import Area
from asmgeo.shipped import reference
from asmgeo.shipped.boundaries import load_countries

ASSESSMENTS = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC"], "region": ["africa", "africa", "lac"]})
COUNTRIES = gpd.GeoDataFrame(
    {"iso3": ["AAA", "BBB", "CCC", "DDD"], "name": ["Aland", "Bland", "Cland", "Dland"],
     "region": ["africa", "africa", "lac", "lac"]},
    geometry=[box(0, 0, 10, 10), MultiPolygon([box(20, 0, 30, 5), box(50, 40, 51, 41)]), box(-80, -5, -70, 5),
              box(-60, -10, -50, 0)],
    crs="EPSG:4326",
)
PCT = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC"], "pct": [40.0, 60.0, 25.0], "illustrative": [True, False, False]})
AVERAGES = pd.DataFrame({"region": ["lac", "africa", "asia"], "implementation_pct": [23.0, 29.0, 38.0],
                         "scope": ["all six MPF thematic areas"] * 3, "countries_assessed": [6, 6, 2],
                         "source": ["the seed"] * 3})


def test_an_area_is_a_region_or_a_sorted_set_of_countries():
    assert Area(region="lac").to_text() == "region:lac"
    assert Area(countries=("PER", "ECU", "PER")).countries == ("ECU", "PER")
    assert Area(countries=["PER", "ECU"]) == Area(countries=("ECU", "PER"))
    for area in (Area(region="asia"), Area(countries=("ECU", "PER"))):
        assert Area.from_text(area.to_text()) == area


@pytest.mark.parametrize("kwargs, fragment", [
    ({}, "at least one country"),
    ({"region": "europe"}, "'europe'"),
    ({"region": "africa", "countries": ("SEN",)}, "not both"),
    ({"countries": ("ecu",)}, "'ecu'"),
    ({"countries": "ECU"}, "'ECU'"),
    ({"countries": tuple(f"A{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(workshop.MAX_COUNTRIES + 1))},
     f"{workshop.MAX_COUNTRIES + 1} codes"),
])
def test_a_bad_area_raises_naming_the_value(kwargs, fragment):
    with pytest.raises(ValueError) as info:
        Area(**kwargs)
    assert fragment in str(info.value)


@pytest.mark.parametrize("text", ["", "region", "region:", "countries:", "country:ECU", None, "countries:ECU,,PER"])
def test_a_bad_area_text_raises(text):
    with pytest.raises(ValueError):
        Area.from_text(text)


def test_a_region_means_its_assessed_countries():
    assert workshop.area_iso3(Area(region="africa"), ASSESSMENTS) == ["AAA", "BBB"]
    assert workshop.area_iso3(Area(countries=("DDD", "AAA")), ASSESSMENTS) == ["AAA", "DDD"]


def test_bounds_cover_the_areas_countries_and_skip_unknown_codes():
    assert workshop.area_bounds(Area(region="africa"), COUNTRIES, ASSESSMENTS) == (0.0, 0.0, 51.0, 41.0)
    some = Area(countries=("CCC", "DDD", "ZZZ"))
    assert workshop.area_bounds(some, COUNTRIES, ASSESSMENTS) == (-80.0, -10.0, -50.0, 5.0)
    assert workshop.area_bounds(Area(countries=("ZZZ",)), COUNTRIES, ASSESSMENTS) == WORLD_BOUNDS


def test_the_real_regions_fit_their_assessed_countries():
    world, assessments = load_countries("web"), reference.assessments()
    west, south, east, north = workshop.area_bounds(Area(region="lac"), world, assessments)
    assert -95 < west < -85 and -60 < east < -50 and south < 0 < north  # Honduras … Suriname, Ecuador
    west, _, east, _ = workshop.area_bounds(Area(region="asia"), world, assessments)
    assert 65 < west < 75 and 115 < east < 125  # Kyrgyzstan to Mongolia


def test_summary_of_a_region_means_its_assessed_countries_with_the_seed_average():
    summary = workshop.area_summary(Area(region="africa"), PCT, AVERAGES, ASSESSMENTS)
    assert summary.countries == ("AAA", "BBB") and summary.assessed == ("AAA", "BBB")
    assert summary.mean_pct == pytest.approx(50.0)
    assert summary.illustrative is True  # AAA's ratings are illustrative
    assert [(s.region, s.pct, s.countries_assessed) for s in summary.seed] == [("africa", 29.0, 6)]


def test_summary_of_countries_uses_the_regions_of_the_assessed_ones():
    summary = workshop.area_summary(Area(countries=("CCC", "DDD")), PCT, AVERAGES, ASSESSMENTS)
    assert summary.assessed == ("CCC",) and summary.mean_pct == 25.0 and summary.illustrative is False
    assert [s.region for s in summary.seed] == ["lac"]
    mixed = workshop.area_summary(Area(countries=("AAA", "CCC")), PCT, AVERAGES, ASSESSMENTS)
    assert [s.region for s in mixed.seed] == ["lac", "africa"] and mixed.mean_pct == pytest.approx(32.5)


def test_summary_without_assessed_countries_has_no_mean():
    summary = workshop.area_summary(Area(countries=("DDD",)), PCT, AVERAGES, ASSESSMENTS)
    assert summary.mean_pct is None and summary.assessed == () and summary.seed == () and not summary.illustrative


def test_label_sits_on_the_largest_part():
    lat, lon = workshop.label_point(COUNTRIES.geometry[1])
    assert 20 <= lon <= 30 and 0 <= lat <= 5
    assert shapely.Point(lon, lat).within(COUNTRIES.geometry[1])


def test_labels_name_each_country_and_its_pillar_pct_in_the_language():
    labels = workshop.country_labels(Area(countries=("AAA", "DDD")), COUNTRIES, ASSESSMENTS, PCT,
                                     {"AAA": "Åland", "DDD": "Dland"}, "fr")
    assert [(label.iso3, label.name) for label in labels] == [("AAA", "Åland"), ("DDD", "Dland")]
    assert labels[0].pct.endswith("40 %") and labels[0].note and labels[1].pct == "" and labels[1].note == ""


def test_label_text_is_escaped_and_labels_do_not_catch_clicks():
    evil = workshop.Label("AAA", 1.0, 2.0, '<img src=x onerror="alert(1)">', "Pillar 6: 40 %", "illustrative")
    (marker,) = workshop.label_markers([evil])
    markup = marker.icon.options["html"]
    assert "<img" not in markup and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in markup
    assert '<span class="asmgeo-workshop-label-pct">Pillar 6: 40 %</span>' in markup
    fmap = folium.Map()
    marker.add_to(fmap)
    page = fmap.get_root().render()
    assert '"interactive": false' in page and "<img src=x" not in page


def test_labels_that_would_overlap_are_moved_apart():
    near = [workshop.Label("UGA", 1.3, 32.4, "Uganda", "Pillar 6: 67 %", "illustrative"),
            workshop.Label("RWA", -2.0, 29.9, "Rwanda", "Pillar 6: 46 %", "illustrative")]
    far_apart = workshop.place_labels(near, zoom=8)
    assert [label.dy for label in far_apart] == [0, 0]  # close up, they do not touch
    placed = workshop.place_labels(near, zoom=4)
    assert placed[0].dy == 0 and placed[1].dy != 0
    boxes = []
    for label in placed:
        x, y = workshop._pixel(label.lat, label.lon, 4)
        width, height = label.size()
        boxes.append((x - width / 2, y + label.dy - height / 2, x + width / 2, y + label.dy + height / 2))
    (a, b) = boxes
    assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), boxes
    (marker,) = workshop.label_markers(placed[1:])
    assert f'style="margin-top: {placed[1].dy}px"' in marker.icon.options["html"]


def test_larger_countries_are_labelled_first():
    labels = workshop.country_labels(Area(countries=("AAA", "BBB", "CCC")), COUNTRIES, ASSESSMENTS, PCT, {}, "en")
    assert [label.iso3 for label in labels] == ["AAA", "CCC", "BBB"]  # 100, 100, 51 square degrees


def test_legends_are_unfolded_for_the_room():
    from asmgeo.maps import explorer

    group = folium.FeatureGroup()
    folded = explorer.legend("Tailings", [("#000", "active")], collapsed=True)
    other = explorer.PayloadLayer("clusters.js", {"rows": [], "collapsed": True}, "not a legend")
    folded.add_to(group)
    other.add_to(group)
    workshop.unfold_legends(group)
    assert folded.payload["collapsed"] is False and folded.payload["title"] == "Tailings"
    assert other.payload["collapsed"] is True  # only legends are touched


def test_pixel_size_inverts_the_view_around_a_centre():
    from asmgeo.maps import viewport

    view = viewport.view_around((-2.0, -78.8), 7, 1200, 740)
    assert workshop.pixel_size(view.bounds, view.zoom) == (1200, 740)
