// The hand-out's Pillar 6 choropleth of the scope's countries, in its own pane.
// data: {features: FeatureCollection whose properties are {i: index into countries},
//        countries: [[name, pillarText, colour, note, [[label, value]] of its region's average]],
//        labels: {pillar}, pane, className}
L.geoJSON(data.features, {
  pane: data.pane,
  className: data.className,
  style: function (f) {
    return {fillColor: data.countries[f.properties.i][2], fillOpacity: 0.85, color: "#333333", weight: 1};
  },
  onEachFeature: function (f, lyr) {
    var c = data.countries[f.properties.i];
    lyr.bindTooltip(asmgeoText(c[0] + " — " + data.labels.pillar + ": " + c[1]), {sticky: true});
    lyr.bindPopup(function () {
      return asmgeoPopup(c[0], [[data.labels.pillar, c[1]]].concat(c[4]), c[3], null);
    }, {maxWidth: 340});
  }
}).eachLayer(function (l) { layer.addLayer(l); });
