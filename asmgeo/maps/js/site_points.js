// ASM sites, one circle marker each, drawn at every zoom; a popup of the site's fields
// (asmgeoFeaturePopup, common.js) and its name and source as tooltip (asmgeoTooltip).
// data: {rows: [[lat, lon, colourIndex, ...values in the order of data.columns]], colours: [...],
//        radii: [[fromZoom, radius px]], pane (or null), profile: a country profile's link without
//        the ISO3 (or null), labels: {profile}, and the popup words (columns, names, fields,
//        countries, pct, sources, demo_source, demo_note)}. Numbers and dates come written.
data.rows.forEach(function (r) {
  var at = asmgeoRecord(data, r.slice(3));
  var options = {radius: data.radii[0][1], color: "#222222", weight: 0.6, fillOpacity: 0.9,
                 fillColor: data.colours[r[2]], className: "asmgeo-site"};
  if (data.pane) { options.pane = data.pane; }
  var marker = L.circleMarker([r[0], r[1]], options);
  marker.bindPopup(function () {
    var link = data.profile ? [data.profile + encodeURIComponent(at.country), data.labels.profile] : null;
    return asmgeoFeaturePopup(data, at, link);
  }, {maxWidth: 340});
  marker.bindTooltip(asmgeoTooltip(data, at));  // an element: Leaflet never parses the name as HTML
  layer.addLayer(marker);
});
if (data.radii.length > 1) {
  var shownOn = null;
  var resize = function () {
    var zoom = shownOn.getZoom(), radius = data.radii[0][1];
    data.radii.forEach(function (step) { if (zoom >= step[0]) { radius = step[1]; } });
    layer.eachLayer(function (marker) { marker.setRadius(radius); });
  };
  layer.on("add", function () { shownOn = layer._map; resize(); shownOn.on("zoomend", resize); });
  layer.on("remove", function () { if (shownOn) { shownOn.off("zoomend", resize); shownOn = null; } });
}
