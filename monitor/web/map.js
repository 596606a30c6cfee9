// Frontwatch map: Leaflet markers for the current holders of watched places.
// Without Leaflet (not installed, or blocked) the server-rendered SVG dots stay as they are.
(function () {
  "use strict";
  var box = document.getElementById("map");
  var data = document.getElementById("holdings-data");
  if (!box || !data || typeof window.L === "undefined") return;
  var holdings = JSON.parse(data.textContent || "[]").filter(function (h) { return h.located; });
  if (!holdings.length) return;
  var colours = { state: "#1f5fa8", non_state: "#b3261e", unknown: "#6b7580" };
  box.innerHTML = "";
  var map = L.map(box, { attributionControl: Boolean(box.dataset.tileUrl) });
  if (box.dataset.tileUrl) {
    L.tileLayer(box.dataset.tileUrl, { maxZoom: 18, attribution: "map tiles" }).addTo(map);
  }
  var bounds = [];
  holdings.forEach(function (h) {
    var at = [h.place.lat, h.place.lon];
    var side = (h.holder && h.holder.side) || "unknown";
    var label = h.place.name + " — " + (h.holder ? h.holder.name : "?");
    L.circleMarker(at, { radius: 8, color: "#fff", weight: 2, fillColor: colours[side] || colours.unknown, fillOpacity: 0.95 })
      .bindTooltip(label, { permanent: true, direction: "right", className: "holder-label" })
      .addTo(map);
    bounds.push(at);
  });
  if (bounds.length === 1) map.setView(bounds[0], 8);
  else map.fitBounds(bounds, { padding: [40, 40], maxZoom: 9 });
  box.dataset.renderer = "leaflet";
})();
