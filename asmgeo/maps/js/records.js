// Point or polygon records (mercury, tailings, geology units) with a popup of labelled values.
// data: {features: GeoJSON FeatureCollection whose properties are {_s: styleIndex, _r: radius,
//        v: [values...]}, fields: [labels...], title: index into v, styles: [{...}], className,
//        synthetic_source, synthetic}
L.geoJSON(data.features, {
  style: function (f) { return data.styles[f.properties._s]; },
  pointToLayer: function (f, latlng) {
    return L.circleMarker(latlng, Object.assign({radius: f.properties._r || 5}, data.styles[f.properties._s]));
  },
  onEachFeature: function (f, lyr) {
    lyr.options.className = data.className;
    lyr.bindPopup(function () {
      var v = f.properties.v;
      var rows = data.fields.map(function (label, i) { return [label, v[i]]; });
      var source = v[data.sourceIndex];
      return asmgeoPopup(String(v[data.title]), rows, source === data.synthetic_source ? data.synthetic : null, null);
    }, {maxWidth: 340});
  }
}).eachLayer(function (l) { layer.addLayer(l); });
