// Leaflet's own English replaced with the catalogue's. data: {zoomIn, zoomOut, draw: {...} or null}
// (draw: a part of L.drawLocal's tree, already HTML-escaped on the server).
if (map.zoomControl) {
  [[map.zoomControl._zoomInButton, data.zoomIn], [map.zoomControl._zoomOutButton, data.zoomOut]].forEach(function (b) {
    if (b[0]) { b[0].title = b[1]; b[0].setAttribute("aria-label", b[1]); }
  });
}
if (data.draw && L.drawLocal) {
  (function merge(target, source) {
    Object.keys(source).forEach(function (key) {
      if (source[key] !== null && typeof source[key] === "object") {
        if (typeof target[key] !== "object" || target[key] === null) { target[key] = {}; }
        merge(target[key], source[key]);
      } else {
        target[key] = source[key];
      }
    });
  })(L.drawLocal, data.draw);
}
