// data: {rows: [[lat, lon, styleIndex, id, name, commodity, legal_status, practice_class,
//                workers, women, mercury_use, latest, visits, country, source]],
//        colours: [...], labels: {...}, pct: {ISO3: "45 % (illustrative)"}, synthetic: "...",
//        profile: "/profiles?lang=..&country=", radius: n, countries: {ISO3: "name (ISO3)"},
//        sources: {source value: its label}}  (numbers and dates come written for the language)
data.rows.forEach(function (r) {
  var marker = L.circleMarker([r[0], r[1]], {
    radius: data.radius, color: "#222222", weight: 0.6, fillOpacity: 0.9,
    fillColor: data.colours[r[2]], className: "asmgeo-site"
  });
  marker.bindPopup(function () {
    var L_ = data.labels;
    var rows = [[L_.site_id, r[3]], [L_.name, r[4]], [L_.commodity, r[5]], [L_.legal_status, r[6]],
                [L_.practice_class, r[7]], [L_.workers, r[8]], [L_.women, r[9]],
                [L_.mercury_use, r[10]], [L_.survey_date, r[11]], [L_.visits, r[12]],
                [L_.country, data.countries[r[13]] || r[13]], [L_.pillar, data.pct[r[13]]],
                [L_.source, data.sources[r[14]] || r[14]]];
    var note = r[14] === data.synthetic_source ? data.synthetic : null;
    return asmgeoPopup(r[4] || r[3], rows, note, [data.profile + encodeURIComponent(r[13]), L_.profile]);
  }, {maxWidth: 340});
  marker.bindTooltip(asmgeoText(r[4] || r[3]));  // an element, so Leaflet never parses the name as HTML
  layer.addLayer(marker);
});
