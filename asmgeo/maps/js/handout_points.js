// The hand-out's ASM sites: one circle marker per site, in its own pane, drawn at every zoom.
// data: {rows: [[lat, lon, colourIndex, id, name, commodity, legal_status, practice_class, workers,
//                women, mercury_use, latest, visits, countryIndex, source]],
//        colours: [...], countries: [[name, pillarText]], labels: {...}, radii: [[minZoom, radius]],
//        synthetic_source, synthetic, pane, className}
function radiusAt(zoom) {
  var radius = data.radii[0][1];
  data.radii.forEach(function (step) { if (zoom >= step[0]) { radius = step[1]; } });
  return radius;
}
data.rows.forEach(function (r) {
  var marker = L.circleMarker([r[0], r[1]], {
    pane: data.pane, radius: data.radii[0][1], color: "#222222", weight: 0.6, fillOpacity: 0.9,
    fillColor: data.colours[r[2]], className: data.className
  });
  marker.bindPopup(function () {
    var L_ = data.labels, country = data.countries[r[13]];
    var rows = [[L_.site_id, r[3]], [L_.name, r[4]], [L_.commodity, r[5]], [L_.legal_status, r[6]],
                [L_.practice_class, r[7]], [L_.workers, r[8]], [L_.women, r[9]],
                [L_.mercury_use, r[10]], [L_.survey_date, r[11]], [L_.visits, r[12]],
                [L_.country, country[0]], [L_.pillar, country[1]], [L_.source, r[14]]];
    var note = r[14] === data.synthetic_source ? data.synthetic : null;
    return asmgeoPopup(r[4] || r[3], rows, note, null);
  }, {maxWidth: 340});
  marker.bindTooltip(asmgeoText(r[4] || r[3]));  // an element, so Leaflet never parses the name as HTML
  layer.addLayer(marker);
});
var shownOn = null;
function resize() {
  var radius = radiusAt(shownOn.getZoom());
  layer.eachLayer(function (marker) { marker.setRadius(radius); });
}
layer.on("add", function () { shownOn = layer._map; resize(); shownOn.on("zoomend", resize); });
layer.on("remove", function () { if (shownOn) { shownOn.off("zoomend", resize); shownOn = null; } });
