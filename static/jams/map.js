/* The world map of Jams on the home page.
 *
 * The server clusters: for every view of the map we ask the GeoJSON endpoint for
 * the current box and zoom, and get back single Jams and clusters with counts,
 * a few hundred features at most however many Jams there are. A near-me search
 * instead gets its (at most a hundred) Jams at once, and the map fits them.
 * Popups are built from DOM nodes, never from HTML strings.
 */
(function () {
  "use strict";

  const MAX_ZOOM = 18;

  function formatWhen(props) {
    if (props.when) return props.when; // the server's words, as in the list beside the map
    // dateStyle/timeStyle cannot be combined with timeZoneName: spell the parts out.
    const options = {
      year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit",
      timeZone: props.timezone, timeZoneName: "short",
    };
    try {
      return window.pageFormats.dateTime(options).format(new Date(props.start));
    } catch {
      return props.start;
    }
  }

  function isolated(text) {
    const bdi = document.createElement("bdi");
    bdi.textContent = text;
    return bdi;
  }

  function jamSummary(props) {
    const box = document.createElement("div");
    box.className = "jam-popup";
    // The organiser's words keep their own direction inside a page of another (bdi).
    const title = document.createElement("strong");
    title.append(isolated(props.title));
    const where = document.createElement("div");
    // "Tokyo, Japan", "東京、日本": the page language's comma (props.where, from the server),
    // the city in its own direction.
    const rest = props.city && props.where.startsWith(props.city) ? props.where.slice(props.city.length) : "";
    if (rest) where.append(isolated(props.city), rest);
    else where.textContent = props.where;
    const when = document.createElement("div");
    when.textContent = formatWhen(props);
    const link = document.createElement("a");
    link.href = props.url;
    link.textContent = gettext("Open the Jam's page");
    box.append(title, where, when, link);
    return box;
  }

  function jamMarker(feature, latlng) {
    const title = feature.properties.title;
    return L.marker(latlng, { title: title, alt: title, keyboard: true })
      .bindPopup(function () { return jamSummary(feature.properties); });
  }

  function clusterMarker(feature, latlng, map, url) {
    const count = feature.properties.count;
    const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    const shown = window.pageFormats.number(count);
    const label = interpolate(ngettext("%s Jam", "%s Jams", count), [shown]);
    const marker = L.marker(latlng, {
      title: label,
      alt: label,
      keyboard: true,
      icon: L.divIcon({ className: "jam-cluster jam-cluster-" + size, html: "<span>" + shown + "</span>", iconSize: [40, 40] }),
    });
    const b = feature.properties.bbox; // [west, south, east, north]
    marker.on("click", function () {
      const samePlace = b[0] === b[2] && b[1] === b[3];
      if (!samePlace && map.getZoom() < MAX_ZOOM) {
        map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30], maxZoom: MAX_ZOOM });
        return;
      }
      // Jams at the very same spot: list them in the popup instead.
      fetch(url + "&bbox=" + [b[0], b[1], b[2], b[3]].join(","), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (collection) {
          const list = document.createElement("ul");
          list.className = "jam-popup-list";
          collection.features.forEach(function (f) {
            if (f.properties.cluster) return;
            const item = document.createElement("li");
            item.append(jamSummary(f.properties));
            list.append(item);
          });
          marker.bindPopup(list).openPopup();
        });
    });
    return marker;
  }

  function viewParameters(map) {
    const bounds = map.getBounds();
    let west = Math.max(-180, bounds.getWest()), east = Math.min(180, bounds.getEast());
    if (bounds.getEast() - bounds.getWest() >= 360) { west = -180; east = 180; }
    const south = Math.max(-90, bounds.getSouth()), north = Math.min(90, bounds.getNorth());
    return "&bbox=" + [west, south, east, north].map(function (n) { return n.toFixed(5); }).join(",") +
      "&zoom=" + Math.round(map.getZoom());
  }

  function start(map, data) {
    const url = data.dataset.geojsonUrl;
    const status = document.getElementById("jam-map-status");
    const layer = L.layerGroup().addTo(map);
    let pending = null;

    function show(collection) {
      layer.clearLayers();
      L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          return feature.properties.cluster ? clusterMarker(feature, latlng, map, url) : jamMarker(feature, latlng);
        },
      }).eachLayer(function (marker) { layer.addLayer(marker); });
      document.body.dataset.mapReady = String(collection.features.length);
      if (status) status.textContent = "";
    }

    function load(query) {
      if (pending) pending.abort();
      pending = new AbortController();
      return fetch(url + query, { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .catch(function (error) {
          if (error.name === "AbortError") return null;
          if (status) status.textContent = gettext("The map could not load the Jams. The list shows them all.");
          return null;
        });
    }

    if (data.dataset.near) {
      load("").then(function (collection) {
        if (!collection) return;
        show(collection);
        const points = collection.features.map(function (f) { return [f.geometry.coordinates[1], f.geometry.coordinates[0]]; });
        if (points.length) map.fitBounds(points, { padding: [30, 30], maxZoom: 12 });
      });
      return;
    }
    function refresh() {
      load(viewParameters(map)).then(function (collection) { if (collection) show(collection); });
    }
    map.on("moveend", refresh);
    refresh();
  }

  /* Keyboard: Enter on a marker opens its popup and moves into it; Escape
   * closes it and goes back to the marker. */
  function keyboardPopups(map) {
    let opener = null;
    map.on("popupopen", function (event) {
      opener = document.activeElement;
      const popup = event.popup.getElement();
      const first = popup.querySelector(".leaflet-popup-content a, .leaflet-popup-content button");
      if (first && opener && opener.classList.contains("leaflet-marker-icon")) first.focus();
      popup.addEventListener("keydown", function (key) {
        if (key.key === "Escape") map.closePopup(); // Leaflet listens only while the map itself has focus
      });
    });
    map.on("popupclose", function (event) {
      if (opener && event.popup.getElement().contains(document.activeElement)) opener.focus();
      opener = null;
    });
  }

  window.addEventListener("map:init", function (event) {
    if (event.detail.id !== "jam-map") return;
    keyboardPopups(event.detail.map);
    start(event.detail.map, document.getElementById("jam-map-data"));
  });
})();
