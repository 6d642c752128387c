// Point or polygon records (mercury, tailings, geology units), each with a popup of its fields
// (asmgeoFeaturePopup, common.js). data: {features: GeoJSON FeatureCollection whose properties are
// {_s: styleIndex, _r: radius, v: [values in the order of data.columns]}, styles: [{...}],
// className, pane (or null), and the popup words (columns, names, fields, countries, pct, sources,
// demo_source, demo_note)}.
var placed = {className: data.className};
if (data.pane) { placed.pane = data.pane; }
L.geoJSON(data.features, Object.assign({
  style: function (f) { return data.styles[f.properties._s]; },
  pointToLayer: function (f, latlng) {
    return L.circleMarker(latlng, Object.assign({radius: f.properties._r || 5}, placed, data.styles[f.properties._s]));
  },
  onEachFeature: function (f, lyr) {
    lyr.options.className = data.className;
    lyr.bindPopup(function () {
      return asmgeoFeaturePopup(data, asmgeoRecord(data, f.properties.v), null);
    }, {maxWidth: 340});
  }
}, placed)).eachLayer(function (l) { layer.addLayer(l); });
