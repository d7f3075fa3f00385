/* The submission form's location picker.
 *
 * Clicking the map or dragging the marker fills in the latitude and longitude
 * fields; typing coordinates moves the marker. The fields stay the source of
 * truth, so the form works without JavaScript too.
 */
(function () {
  "use strict";

  window.addEventListener("map:init", function (event) {
    if (event.detail.id !== "location-map") return;
    var map = event.detail.map;
    var latitude = document.getElementById("id_latitude");
    var longitude = document.getElementById("id_longitude");
    var marker = null;

    function typedPoint() {
      var lat = parseFloat(latitude.value);
      var lon = parseFloat(longitude.value);
      if (isNaN(lat) || isNaN(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
      return L.latLng(lat, lon);
    }

    function place(point) {
      if (marker) {
        marker.setLatLng(point);
        return;
      }
      marker = L.marker(point, { draggable: true, title: gettext("Venue"), alt: gettext("Venue") }).addTo(map);
      marker.on("dragend", function () { fill(marker.getLatLng()); });
    }

    function fill(point) {
      var wrapped = point.wrap();
      latitude.value = wrapped.lat.toFixed(6);
      longitude.value = wrapped.lng.toFixed(6);
      latitude.dispatchEvent(new Event("change"));
    }

    map.on("click", function (e) {
      place(e.latlng);
      fill(e.latlng);
    });

    [latitude, longitude].forEach(function (input) {
      input.addEventListener("input", function () {
        var point = typedPoint();
        if (point) {
          place(point);
          map.panTo(point);
        }
      });
    });

    var start = typedPoint();
    if (start) {
      place(start);
      map.setView(start, 13);
    }
  });
})();
