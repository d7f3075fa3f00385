/* The submission form's location picker.
 *
 * The organiser types the venue's town and chooses its country: the map goes
 * to the town (the offline gazetteer, through the suggestions endpoint) and
 * drops the pin there; they drag it to the venue, or click the map where it is.
 * Each move asks the server what the pin implies (its timezone, in words too)
 * and what looks wrong with it (far from the town, outside the country), shown
 * as it goes, with the box to confirm a pin that is right after all.
 *
 * The latitude and longitude fields (behind "Enter coordinates") stay the
 * source of truth, so the form works without JavaScript too: the server then
 * puts the Jam in the middle of its town and checks it the same way.
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
    const zoneWords = document.getElementById("pin-timezone");
    const warningBox = document.getElementById("location-warnings");
    const warningList = warningBox.querySelector("ul");
    let marker = null;
    let suggestions = {};
    // The pin follows the town until the organiser puts it somewhere themselves.
    let pinnedByHand = typedPoint() !== null;
    let suggestTimer = null;
    let checkTimer = null;
    let checking = null;

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
      marker.on("dragend", function () {
        pinnedByHand = true;
        fill(marker.getLatLng());
      });
    }

    function fill(point) {
      const wrapped = point.wrap();
      latitude.value = wrapped.lat.toFixed(6);
      longitude.value = wrapped.lng.toFixed(6);
      check();
    }

    function json(url) {
      return fetch(url).then(function (response) { return response.ok ? response.json() : null; });
    }

    /* What the server says about the pin where it is now, for the town and country typed. */
    function check() {
      clearTimeout(checkTimer);
      checkTimer = setTimeout(function () {
        const point = typedPoint();
        if (!point) return;
        const params = new URLSearchParams({
          at: point.lat.toFixed(6) + "," + point.lng.toFixed(6),
          city: city.value.trim(),
          country: country.value
        });
        const asked = params.toString();
        checking = asked;
        json(form.dataset.checkUrl + "?" + asked)
          .then(function (data) {
            if (!data || checking !== asked) return;
            timezone.value = data.timezone;
            zoneWords.textContent = interpolate(gettext("The pin's timezone: %(zone)s"), { zone: data.timezone_words }, true);
            warningList.replaceChildren.apply(warningList, data.warnings.map(function (text) {
              const item = document.createElement("li");
              item.textContent = text;
              return item;
            }));
            warningBox.hidden = data.warnings.length === 0;
          })
          .catch(function () { /* the server checks it again on submit */ });
      }, 200);
    }

    function goTo(found) {
      const point = L.latLng(found.latitude, found.longitude);
      map.setView(point, 12);
      if (!pinnedByHand) {
        place(point);
        fill(point);
      } else {
        check();
      }
    }

    /* The town typed, in the country chosen: the gazetteer's best match. */
    function findTown() {
      const text = city.value.trim();
      if (text.length < 2) return;
      const query = country.value ? text + ", " + country.value : text;
      json(form.dataset.suggestUrl + "?q=" + encodeURIComponent(query))
        .then(function (data) {
          if (data && data.places.length && city.value.trim() === text) goTo(data.places[0]);
          else check();
        })
        .catch(function () { /* the server places it on submit */ });
    }

    map.on("click", function (e) {
      pinnedByHand = true;
      place(e.latlng);
      fill(e.latlng);
    });

    [latitude, longitude].forEach(function (input) {
      // From the first key, typed coordinates are the organiser's: a town lookup still on
      // its way must not put the pin (and these fields) back on the town.
      input.addEventListener("input", function () { pinnedByHand = true; });
      input.addEventListener("change", function () {
        const point = typedPoint();
        if (!point) return;
        pinnedByHand = true;
        place(point);
        map.setView(point, Math.max(map.getZoom(), 12));
        check();
      });
    });

    city.addEventListener("input", function () {
      const picked = suggestions[city.value];
      if (picked) {
        city.value = picked.name;
        country.value = picked.country;
        pinnedByHand = false;
        goTo(picked);
        return;
      }
      clearTimeout(suggestTimer);
      const text = city.value.trim();
      if (text.length < 2) return;
      suggestTimer = setTimeout(function () {
        json(form.dataset.suggestUrl + "?q=" + encodeURIComponent(text))
          .then(function (data) {
            if (!data) return;
            suggestions = {};
            cities.replaceChildren.apply(cities, data.places.map(function (found) {
              suggestions[found.label] = found;
              const option = document.createElement("option");
              option.value = found.label;
              return option;
            }));
          })
          .catch(function () { /* keep typing */ });
      }, 150);
    });
    city.addEventListener("change", findTown);
    country.addEventListener("change", findTown);

    const start = typedPoint();
    if (start) {
      place(start);
      map.setView(start, 13);
    }
  });
})();
