/* The submission form's location picker.
 *
 * Clicking the map or dragging the marker fills in the latitude and longitude
 * fields; typing coordinates moves the marker; picking a suggested town places
 * it there. Each move looks up the timezone at the new position, which the
 * organiser can still correct. The fields stay the source of truth, so the form
 * works without JavaScript too (the server then works the timezone out).
 */
(function () {
  "use strict";

  window.addEventListener("map:init", function (event) {
    if (event.detail.id !== "location-map") return;
    const map = event.detail.map;
    const form = document.querySelector("form.jam-form");
    const latitude = document.getElementById("id_latitude");
    const longitude = document.getElementById("id_longitude");
    const timezone = document.getElementById("id_timezone");
    const city = document.getElementById("id_city");
    const country = document.getElementById("id_country");
    const cities = document.getElementById("city-suggestions");
    let marker = null;
    let suggestions = {};

    function typedPoint() {
      const lat = parseFloat(latitude.value);
      const lon = parseFloat(longitude.value);
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

    function lookUpTimezone(point) {
      fetch(form.dataset.timezoneUrl + "?at=" + point.lat.toFixed(6) + "," + point.lng.toFixed(6))
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && data.timezone) timezone.value = data.timezone; })
        .catch(function () { /* the server works it out on submit */ });
    }

    function fill(point) {
      const wrapped = point.wrap();
      latitude.value = wrapped.lat.toFixed(6);
      longitude.value = wrapped.lng.toFixed(6);
      lookUpTimezone(wrapped);
    }

    map.on("click", function (e) {
      place(e.latlng);
      fill(e.latlng);
    });

    [latitude, longitude].forEach(function (input) {
      input.addEventListener("change", function () {
        const point = typedPoint();
        if (!point) return;
        place(point);
        map.panTo(point);
        lookUpTimezone(point);
      });
    });

    city.addEventListener("input", function () {
      const picked = suggestions[city.value];
      if (picked) {
        city.value = picked.name;
        if (country && !country.value) country.value = picked.country;
        const point = L.latLng(picked.latitude, picked.longitude);
        place(point);
        fill(point);
        map.setView(point, 12);
        return;
      }
      const text = city.value.trim();
      if (text.length < 2) return;
      fetch(form.dataset.suggestUrl + "?q=" + encodeURIComponent(text))
        .then(function (response) { return response.ok ? response.json() : { places: [] }; })
        .then(function (data) {
          suggestions = {};
          cities.replaceChildren.apply(cities, data.places.map(function (found) {
            suggestions[found.label] = found;
            const option = document.createElement("option");
            option.value = found.label;
            return option;
          }));
        })
        .catch(function () { /* keep typing */ });
    });

    const start = typedPoint();
    if (start) {
      place(start);
      map.setView(start, 13);
    }
  });
})();
