/* The demand map: one rectangle per area with enough people waiting, its count on it
   (the counts come written in the page's digits, from the page's demand-cells data). */
(function () {
  "use strict";
  window.addEventListener("map:init", function (event) {
    if (event.detail.id !== "demand-map") return;
    const map = event.detail.map;
    const cells = JSON.parse(document.getElementById("demand-cells").textContent);
    const bounds = [];
    cells.forEach(function (cell) {
      const box = [[cell.south, cell.west], [cell.north, cell.east]];
      // Text, never HTML: a place's name is the gazetteer's, but it goes in as text all the same.
      const label = document.createElement("span");
      label.dir = "auto";
      label.textContent = cell.place_name ? cell.place_name + ": " + cell.people_text : cell.people_text;
      const count = document.createElement("span");
      count.textContent = cell.people_text;
      L.rectangle(box, { color: "#c51a4a", weight: 1, fillOpacity: 0.35 })
        .bindTooltip(count, { permanent: true, direction: "center", className: "demand-count" })
        .bindPopup(document.createTextNode(label))
        .addTo(map);
      bounds.push(box[0], box[1]);
    });
    if (bounds.length) map.fitBounds(bounds, { maxZoom: 5 });
  });
})();
