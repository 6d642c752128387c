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
    em.className = "asmgeo-synthetic";
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
