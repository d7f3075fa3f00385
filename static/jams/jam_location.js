/* The small map on a Jam's page: one marker at the venue. */
(function () {
  "use strict";
  window.addEventListener("map:init", function (event) {
    if (event.detail.id !== "jam-location") return;
    const box = document.querySelector(".jam-location");
    const point = [parseFloat(box.dataset.latitude), parseFloat(box.dataset.longitude)];
    L.marker(point, { title: box.dataset.title, alt: box.dataset.title }).addTo(event.detail.map);
    event.detail.map.setView(point, 14);
  });
})();
