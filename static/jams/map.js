/* The world map of Jams on the home page (and a campaign's page).
 *
 * The server clusters: for every view of the map we ask the GeoJSON endpoint for
 * the current box and zoom, and get back single Jams and clusters with counts,
 * a few hundred features at most however many Jams there are. A near-me search
 * instead gets its (at most a hundred) Jams at once, and the map fits them and
 * the searched place, which has a marker of its own.
 *
 * Every Jam can be reached by clicking: Jams at one spot (two organisers who
 * picked the same town) never come apart however far one zooms, so a cluster
 * that covers one spot at the closest zoom opens a popup listing its Jams, and
 * so does a near-me marker standing for several.
 *
 * Pins carry the numbers the list beside the map gives its Jams (the server
 * writes them, in the page's digits). Popups are built from DOM nodes, never
 * from HTML strings.
 */
(function () {
  "use strict";

  const MAX_ZOOM = 18;
  // Jams closer than this at the closest zoom are one spot (a cluster cell of the server is 64 px).
  const SAME_SPOT_PX = 32;
  // The public API's rate limit is per minute: its Retry-After is never longer.
  const RETRY_MOST_S = 60;

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


  /* The numbers of the Jams the list shows: {feature id: "1"}, as the server wrote them. */
  function listNumbers() {
    const numbers = new Map();
    document.querySelectorAll(".jam-list [data-jam]").forEach(function (item) {
      const number = item.querySelector(".jam-number");
      if (number) numbers.set(item.dataset.jam, number.textContent.trim());
    });
    return numbers;
  }

  function jamSummary(props, number) {
    const box = document.createElement("div");
    box.className = "jam-popup";
    // The organiser's words keep their own direction inside a page of another (bdi).
    const title = document.createElement("strong");
    if (number) {
      const badge = document.createElement("span");
      badge.className = "jam-number";
      badge.textContent = number;
      title.append(badge, " ");
    }
    const name = document.createElement("bdi"); // the organiser's words, in any direction
    name.textContent = props.title;
    title.append(name);
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

  function jamList(features, numbers) {
    const list = document.createElement("ul");
    list.className = "jam-popup-list";
    features.forEach(function (f) {
      const item = document.createElement("li");
      item.append(jamSummary(f.properties, numbers.get(String(f.id))));
      list.append(item);
    });
    return list;
  }

  /* Popups belong to the map, not to a marker: a view's markers are replaced when
   * the map moves (as it does to show a popup whole), and the popup stays open. */
  function openPopup(map, latlng, content) {
    L.popup({ maxWidth: 320, offset: [0, -8] }).setLatLng(latlng).setContent(content).openOn(map);
  }

  /* `open` on a click, and on Enter while the marker has the keyboard's focus. */
  function onActivate(marker, open) {
    return marker.on("click", open).on("keypress", function (event) {
      if (event.originalEvent.key === "Enter") open();
    });
  }

  /* A pin with the list's number(s) on it, or Leaflet's own marker where the list
   * does not show the Jam. `label` (with the numbers) names it for screen readers. */
  function pin(latlng, label, numberText) {
    const options = { title: label, alt: label, keyboard: true };
    if (numberText) {
      const text = document.createElement("span");
      text.textContent = numberText;
      text.setAttribute("aria-hidden", "true");
      const wide = numberText.length > 2;
      options.icon = L.divIcon({
        className: "jam-pin" + (wide ? " jam-pin-wide" : ""),
        html: text,
        iconSize: wide ? [52, 30] : [30, 30],
        iconAnchor: wide ? [26, 30] : [15, 30],
        popupAnchor: [0, -26],
      });
    }
    // Its name starts with what it shows: "3 Leeds Jam".
    const name = numberText ? numberText + " " + label : label;
    const marker = L.marker(latlng, options);
    marker.on("add", function () { marker.getElement().setAttribute("aria-label", name); });
    return marker;
  }

  function jamMarker(feature, latlng, map, numbers) {
    const number = numbers.get(String(feature.id));
    return onActivate(pin(latlng, feature.properties.title, number), function () {
      openPopup(map, latlng, jamSummary(feature.properties, number));
    });
  }

  /* Several Jams at one spot (near-me): one pin, their numbers on it, a popup listing them. */
  function spotMarker(features, latlng, map, numbers) {
    const count = features.length;
    const found = features.map(function (f) { return numbers.get(String(f.id)); }).filter(Boolean);
    let text = "";
    if (found.length === count) {
      text = count > 2 ? found[0] + "–" + found[count - 1] : found.join("·");
    }
    const marker = text ? pin(latlng, interpolate(ngettext("%s Jam", "%s Jams", count), [count]), text)
      : clusterIcon(latlng, count);
    return onActivate(marker, function () { openPopup(map, latlng, jamList(features, numbers)); });
  }

  function clusterIcon(latlng, count) {
    const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    const shown = window.pageFormats.number(count);
    const label = interpolate(ngettext("%s Jam", "%s Jams", count), [shown]);
    const text = document.createElement("span");
    text.textContent = shown;
    return L.marker(latlng, {
      title: label,
      alt: label,
      keyboard: true,
      icon: L.divIcon({ className: "jam-cluster jam-cluster-" + size, html: text, iconSize: [40, 40] }),
    });
  }

  function oneSpot(map, bounds) {
    return map.project(bounds.getSouthWest(), MAX_ZOOM).distanceTo(map.project(bounds.getNorthEast(), MAX_ZOOM)) < SAME_SPOT_PX;
  }

  /* A cluster: a click zooms to its Jams or, where they stay together however close
   * one looks, lists them (the endpoint answers a box without a zoom with its Jams). */
  function clusterMarker(feature, latlng, map, view) {
    const b = feature.properties.bbox; // [west, south, east, north]
    const bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
    return onActivate(clusterIcon(latlng, feature.properties.count), function () {
      if (!oneSpot(map, bounds) && map.getZoom() < MAX_ZOOM) {
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: MAX_ZOOM });
        return;
      }
      view.load("&bbox=" + b.join(","), false).then(function (collection) {
        if (!collection) return;
        const jams = collection.features.filter(function (f) { return !f.properties.cluster; });
        openPopup(map, latlng, jamList(jams, view.numbers));
      });
    });
  }

  function viewParameters(map) {
    const bounds = map.getBounds();
    let west = Math.max(-180, bounds.getWest()), east = Math.min(180, bounds.getEast());
    if (bounds.getEast() - bounds.getWest() >= 360) { west = -180; east = 180; }
    const south = Math.max(-90, bounds.getSouth()), north = Math.min(90, bounds.getNorth());
    return "&bbox=" + [west, south, east, north].map(function (n) { return n.toFixed(5); }).join(",") +
      "&zoom=" + Math.round(map.getZoom());
  }

  /* Features at one spot (at the closest zoom) together: [[feature, ...], ...]. */
  function bySpot(map, features) {
    const spots = new Map();
    features.forEach(function (f) {
      const at = map.project([f.geometry.coordinates[1], f.geometry.coordinates[0]], MAX_ZOOM).divideBy(SAME_SPOT_PX).round();
      const key = at.x + "," + at.y;
      if (!spots.has(key)) spots.set(key, []);
      spots.get(key).push(f);
    });
    return Array.from(spots.values());
  }

  function latLngOf(feature) {
    return L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
  }

  /* The place a near-me search is around: a marker unlike the Jams', with its name. */
  function searchedPlace(data) {
    const at = (data.dataset.around || "").split(",").map(Number);
    if (at.length !== 2 || !at.every(Number.isFinite)) return null;
    const label = data.dataset.placeLabel;
    const ring = document.createElement("span");
    ring.setAttribute("aria-hidden", "true");
    const marker = L.marker(at, {
      title: label,
      alt: label,
      keyboard: false,
      interactive: false,
      zIndexOffset: -100,
      icon: L.divIcon({ className: "searched-place", html: ring, iconSize: [22, 22] }),
    });
    // Its name below it: the Jams' pins stand above their points.
    marker.bindTooltip(label, { permanent: true, direction: "bottom", offset: [0, 12], className: "searched-place-label" });
    return marker;
  }

  /* The public API's answer (parsed), asking once more after the wait it names when it
   * refuses for too many requests from this address (a classroom behind one address). */
  function ask(address, signal, again) {
    return fetch(address, { signal: signal, headers: { Accept: "application/json" } }).then(function (response) {
      if (response.status === 429 && again) {
        const seconds = Math.min(RETRY_MOST_S, Math.max(1, Number(response.headers.get("Retry-After")) || 1));
        return wait(seconds * 1000, signal).then(function () { return ask(address, signal, false); });
      }
      if (!response.ok) throw new Error(response.status);
      return response.json();
    });
  }

  /* A promise kept after `ms`, or broken as an abort if `signal` aborts first. */
  function wait(ms, signal) {
    return new Promise(function (resolve, reject) {
      const timer = setTimeout(resolve, ms);
      if (signal) {
        signal.addEventListener("abort", function () {
          clearTimeout(timer);
          reject(new DOMException("A newer view", "AbortError"));
        });
      }
    });
  }

  function start(map, data) {
    const url = data.dataset.geojsonUrl;
    const status = document.getElementById("jam-map-status");
    const layer = L.layerGroup().addTo(map);
    const view = { numbers: listNumbers(), load: null };
    let pending = null;

    let shown = "";

    function show(collection) {
      // The same answer again (the map moved a little, to show a popup whole): the
      // markers stay, and so does the keyboard's place on them.
      const text = JSON.stringify(collection);
      if (text === shown) return;
      shown = text;
      layer.clearLayers();
      collection.features.forEach(function (feature) {
        const latlng = latLngOf(feature);
        layer.addLayer(feature.properties.cluster ? clusterMarker(feature, latlng, map, view) : jamMarker(feature, latlng, map, view.numbers));
      });
      document.body.dataset.mapReady = String(collection.features.length);
      if (status) status.textContent = "";
    }

    /* The endpoint's answer for `query`, or null (and a word under the map) when there is none.
     * A newer view's request replaces an older one's; a cluster's list does not. */
    view.load = function (query, isView) {
      let controller = null;
      if (isView) {
        if (pending) pending.abort();
        controller = pending = new AbortController();
      }
      return ask(url + query, controller && controller.signal, true)
        .catch(function (error) {
          if (error.name === "AbortError") return null;
          if (status) status.textContent = gettext("The map could not load the Jams. The list shows them all.");
          return null;
        });
    };

    if (data.dataset.near) {
      const place = searchedPlace(data);
      if (place) place.addTo(map);
      view.load("", true).then(function (collection) {
        if (!collection) return;
        // The view first, at once, then the markers: nothing moves under a first click.
        const points = collection.features.map(latLngOf);
        if (place) points.push(place.getLatLng());
        // Room above for the pins and below for the place's name.
        if (points.length) map.fitBounds(points, { paddingTopLeft: [40, 60], paddingBottomRight: [40, 50], maxZoom: 12, animate: false });
        layer.clearLayers();
        bySpot(map, collection.features).forEach(function (spot) {
          const latlng = latLngOf(spot[0]);
          layer.addLayer(spot.length > 1 ? spotMarker(spot, latlng, map, view.numbers) : jamMarker(spot[0], latlng, map, view.numbers));
        });
        document.body.dataset.mapReady = String(collection.features.length);
        if (status) status.textContent = "";
      });
      return;
    }
    function refresh() {
      view.load(viewParameters(map), true).then(function (collection) { if (collection) show(collection); });
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
      if (opener && opener.isConnected && event.popup.getElement().contains(document.activeElement)) opener.focus();
      opener = null;
    });
  }

  window.addEventListener("map:init", function (event) {
    if (event.detail.id !== "jam-map") return;
    keyboardPopups(event.detail.map);
    start(event.detail.map, document.getElementById("jam-map-data"));
  });
})();
