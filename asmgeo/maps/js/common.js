// Shared by the asmgeo map layers. Property values are data: they only ever reach the page
// through textContent, never through innerHTML, so a "<script>" in a survey stays text.
function asmgeoTable(rows) {
  var table = document.createElement("table");
  table.className = "asmgeo-popup";
  rows.forEach(function (row) {
    if (row[1] === null || row[1] === undefined || row[1] === "") { return; }
    var tr = table.insertRow();
    var th = document.createElement("th");
    th.textContent = row[0];
    tr.appendChild(th);
    tr.insertCell().textContent = String(row[1]);
  });
  return table;
}
function asmgeoPopup(title, rows, note, link) {
  var box = document.createElement("div");
  var head = document.createElement("div");
  head.style.fontWeight = "bold";
  head.textContent = title;
  box.appendChild(head);
  box.appendChild(asmgeoTable(rows));
  if (note) {
    var em = document.createElement("div");
    em.className = "asmgeo-popup-note";
    em.style.fontStyle = "italic";
    em.textContent = note;
    box.appendChild(em);
  }
  if (link) {
    var a = document.createElement("a");
    a.href = link[0];
    a.target = "_top";
    a.textContent = link[1];
    box.appendChild(a);
  }
  return box;
}
function asmgeoText(value) {
  var span = document.createElement("span");
  span.textContent = String(value);
  return span;
}
// A feature's popup, from the words asmgeo/maps/popups.py sends (script_words): data.columns (the
// fields each row's values follow), data.names (the fields shown, in order) and data.fields (their
// labels). The country and the source come as stored and are worded here (data.countries,
// data.sources); "pillar" is the Pillar 6 figure of the country (data.pct). A row whose source is
// data.demo_source (given only when some rows are demo data) gets data.demo_note. The title is the
// name, else the first field (the id).
function asmgeoWord(words, key) {
  return Object.prototype.hasOwnProperty.call(words || {}, key) ? words[key] : null;
}
function asmgeoRecord(data, values) {
  var at = {};
  data.columns.forEach(function (name, i) { at[name] = values[i]; });
  return at;
}
function asmgeoTitle(data, at) {
  return String(at.name || at[data.columns[0]]);
}
function asmgeoFeaturePopup(data, at, link) {
  var rows = data.names.map(function (name, i) {
    var value = at[name];
    if (name === "country") { value = asmgeoWord(data.countries, at.country) || at.country; }
    if (name === "source") { value = asmgeoSource(data, at); }
    if (name === "pillar") { value = asmgeoWord(data.pct, at.country); }
    return [data.fields[i], value];
  });
  var note = data.demo_source && at.source === data.demo_source ? data.demo_note : null;
  return asmgeoPopup(asmgeoTitle(data, at), rows, note, link);
}
function asmgeoSource(data, at) {
  return at.source ? (asmgeoWord(data.sources, at.source) || at.source) : null;
}
// A feature's tooltip: its title and, below, its own source.
function asmgeoTooltip(data, at) {
  var box = document.createElement("div");
  var title = document.createElement("div");
  title.textContent = asmgeoTitle(data, at);
  box.appendChild(title);
  var source = asmgeoSource(data, at);
  if (source) {
    var line = document.createElement("div");
    line.className = "asmgeo-tooltip-source";
    line.style.fontSize = "90%";
    line.style.opacity = "0.8";
    line.textContent = source;
    box.appendChild(line);
  }
  return box;
}
