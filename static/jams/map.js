/* The world map of Jams on the home page.
 *
 * Loads the approved Jams (same filters as the list beside it) from the GeoJSON
 * endpoint and shows them clustered. Popups are built from DOM nodes, never from
 * HTML strings, so a Jam title cannot inject markup.
 */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "en";

  function formatWhen(props) {
    // dateStyle/timeStyle cannot be combined with timeZoneName: spell the parts out.
    var options = {
      year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit",
      timeZone: props.timezone, timeZoneName: "short",
    };
    try {
      return new Intl.DateTimeFormat(lang, options).format(new Date(props.start));
    } catch (error) {
      return props.start;
    }
  }

  function popupFor(feature) {
    var props = feature.properties;
    var box = document.createElement("div");
    box.className = "jam-popup";
    var title = document.createElement("strong");
    title.textContent = props.title;
    var where = document.createElement("div");
    where.textContent = props.city + ", " + props.country_name;
    var when = document.createElement("div");
    when.textContent = formatWhen(props);
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = gettext("Open the Jam's page");
    box.append(title, where, when, link);
    return box;
  }

  function showJams(map, url) {
    var status = document.getElementById("jam-map-status");
    fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (collection) {
        var clusters = L.markerClusterGroup({ showCoverageOnHover: false });
        var layer = L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) {
            var title = feature.properties.title;
            return L.marker(latlng, { title: title, alt: title, keyboard: true });
          },
          onEachFeature: function (feature, marker) {
            marker.bindPopup(function () { return popupFor(feature); });
          },
        });
        clusters.addLayer(layer);
        map.addLayer(clusters);
        if (collection.features.length) {
          map.fitBounds(clusters.getBounds(), { padding: [20, 20], maxZoom: 10 });
        }
        document.body.dataset.mapReady = String(collection.features.length);
      })
      .catch(function () {
        if (status) status.textContent = gettext("The map could not load the Jams. The list shows them all.");
      });
  }

  window.addEventListener("map:init", function (event) {
    if (event.detail.id !== "jam-map") return;
    var data = document.getElementById("jam-map-data");
    showJams(event.detail.map, data.dataset.geojsonUrl);
  });
})();
