// data: {rows: [[lat, lon, count, styleIndex, total]], colours: [...], className: "...",
//        unit: "sites", totalLabel: "kg Hg/yr" or null, lang: "fr"}  (numbers written for lang)
var asmgeoNumber = new Intl.NumberFormat(data.lang || "en");
data.rows.forEach(function (r) {
  var radius = 6 + 4 * Math.log10(r[2] + 1);
  var circle = L.circleMarker([r[0], r[1]], {
    radius: radius, color: "#333333", weight: 1, fillOpacity: 0.8,
    fillColor: data.colours[r[3]], className: data.className
  });
  var text = asmgeoNumber.format(r[2]) + " " + data.unit;
  if (data.totalLabel) { text += " · " + asmgeoNumber.format(Math.round(r[4])) + " " + data.totalLabel; }
  circle.bindTooltip(asmgeoText(text));
  circle.on("click", function (e) { e.target._map.setView(e.latlng, e.target._map.getZoom() + 2); });
  layer.addLayer(circle);
  if (r[2] > 1) {
    layer.addLayer(L.marker([r[0], r[1]], {
      interactive: false,
      icon: L.divIcon({className: "asmgeo-cluster-label", html: "", iconSize: [40, 16], iconAnchor: [20, 8]})
    }).on("add", function (e) { e.target.getElement().textContent = asmgeoNumber.format(r[2]); }));
  }
});
