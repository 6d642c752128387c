// The hand-out's point or polygon records (mercury, tailings, geology units), in their own pane,
// each with a popup of labelled values. data: {features: FeatureCollection whose properties are
// {_s: styleIndex, _r: radius, v: [values...]}, fields: [labels...], title: index into v,
// sourceIndex, styles: [{...}], pane, className, synthetic_source, synthetic}
L.geoJSON(data.features, {
  pane: data.pane,
  className: data.className,
  style: function (f) { return data.styles[f.properties._s]; },
  pointToLayer: function (f, latlng) {
    return L.circleMarker(latlng, Object.assign({radius: f.properties._r || 5, pane: data.pane,
                                                 className: data.className}, data.styles[f.properties._s]));
  },
  onEachFeature: function (f, lyr) {
    lyr.bindPopup(function () {
      var v = f.properties.v;
      var rows = data.fields.map(function (label, i) { return [label, v[i]]; });
      var note = v[data.sourceIndex] === data.synthetic_source ? data.synthetic : null;
      return asmgeoPopup(String(v[data.title]), rows, note, null);
    }, {maxWidth: 340});
  }
}).eachLayer(function (l) { layer.addLayer(l); });
