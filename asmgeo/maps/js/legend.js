// A legend box that comes and goes with its layer. data: {title, entries: [[colour, label, shape]],
// note, position}. Text goes in through textContent only.
var control = L.control({position: data.position});
control.onAdd = function () {
  var box = L.DomUtil.create("div", "asmgeo-legend" + (data.collapsed ? " asmgeo-collapsed" : ""));
  var title = L.DomUtil.create("div", "asmgeo-legend-title", box);
  title.textContent = data.title;
  L.DomEvent.on(title, "click", function () { box.classList.toggle("asmgeo-collapsed"); });
  L.DomEvent.disableClickPropagation(box);
  data.entries.forEach(function (entry) {
    var row = L.DomUtil.create("div", "asmgeo-legend-row", box);
    var swatch = L.DomUtil.create("span", "asmgeo-swatch" + (entry[2] === "circle" ? " asmgeo-swatch-circle" : ""), row);
    swatch.style.background = entry[0];
    if (entry[3]) { swatch.style.width = swatch.style.height = entry[3] + "px"; }
    row.appendChild(document.createTextNode(entry[1]));
  });
  if (data.note) {
    var note = L.DomUtil.create("div", "asmgeo-legend-note", box);
    note.textContent = data.note;
  }
  return box;
};
layer.on("add", function () { control.addTo(layer._map); });
layer.on("remove", function () { control.remove(); });
