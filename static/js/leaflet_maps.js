// Starts each map django-leaflet drew (jamportal/templates/leaflet/_leaflet_map.html)
// from the options on its element, once the page has loaded. django-leaflet would do
// this with an inline script, which our Content-Security-Policy forbids.
//
// Under the tiles every map gets our own base layer: the countries of the world
// (Natural Earth's, from the world-atlas package, read with topojson-client; both
// served from our static files). It alone keeps the map readable offline, in tests,
// when the tile server refuses us, or when tiles are turned off (JAMPORTAL_TILES_URL).
(function () {
  "use strict";

  let topojsonLoaded = null;
  let countries = null;

  function loadScript(url) {
    topojsonLoaded = topojsonLoaded || new Promise(function (resolve, reject) {
      const script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
    return topojsonLoaded;
  }

  function loadCountries(element) {
    countries = countries || Promise.all([
      loadScript(element.dataset.topojsonClient),
      fetch(element.dataset.baseMap).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }),
    ]).then(function (loaded) {
      const topology = loaded[1];
      return joinedAcrossTheAntimeridian(window.topojson.feature(topology, topology.objects.countries));
    });
    return countries;
  }

  /* A ring that crosses the antimeridian (Fiji, Russia's far east) has longitudes on
   * both sides of ±180: drawn as they are, its edges would cross the whole map. Its
   * western part moves round to the east (the copies either side cover the rest).
   * Antarctica's ring goes round the pole along ±180 and stays as it is. */
  function joinedAcrossTheAntimeridian(world) {
    world.features.forEach(function (country) {
      const geometry = country.geometry || {};
      const polygons = geometry.type === "Polygon" ? [geometry.coordinates]
        : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
      polygons.forEach(function (polygon) {
        polygon.forEach(function (ring) {
          const longitudes = ring.map(function (point) { return point[0]; });
          const polar = ring.some(function (point) { return Math.abs(point[1]) > 85; });
          if (polar || Math.max.apply(null, longitudes) - Math.min.apply(null, longitudes) <= 180) return;
          ring.forEach(function (point) { if (point[0] < 0) point[0] += 360; });
        });
      });
    });
    return world;
  }

  /* Drawn in small batches, one task each, so that a phone's main thread is never
   * held for long (Lighthouse counts any task over 50 ms as blocking); and each copy of
   * the world only once the view reaches it, so a map that shows one world projects
   * its 177 countries once, not three times. */
  const BATCH = 12;

  function drawCopy(map, world, shift, renderer) {
    return new Promise(function (resolve) {
      const options = {
        pane: "base-map",
        renderer: renderer,
        interactive: false,
        attribution: shift ? "" : '<a href="https://www.naturalearthdata.com/">Natural Earth</a>',
        coordsToLatLng: function (position) { return L.latLng(position[1], position[0] + shift); },
        style: { color: "#a59e92", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: 1 },
      };
      (function batch(start) {
        if (start >= world.features.length) return resolve();
        const features = world.features.slice(start, start + BATCH);
        L.geoJSON({ type: "FeatureCollection", features: features }, options).addTo(map);
        setTimeout(batch, 0, start + BATCH);
      })(0);
    });
  }

  function addBaseLayer(map, element) {
    // Its own pane below the tiles (Leaflet's tile pane is at z-index 200), drawn on
    // one canvas; copies either side repeat the world sideways as the tiles do.
    const pane = map.createPane("base-map");
    pane.style.zIndex = 150;
    pane.style.pointerEvents = "none";
    const renderer = L.canvas({ pane: "base-map", padding: 0.5 });
    const drawn = {};
    loadCountries(element).then(function (world) {
      function reach() {
        const bounds = map.getBounds();
        const shifts = [0];
        if (bounds.getWest() < -180) shifts.push(-360);
        if (bounds.getEast() > 180) shifts.push(360);
        return Promise.all(shifts.map(function (shift) {
          drawn[shift] = drawn[shift] || drawCopy(map, world, shift, renderer);
          return drawn[shift];
        }));
      }
      map.on("moveend", reach);
      return reach();
    }).then(function () {
      element.dataset.baseMapDrawn = "true";
    }).catch(function () { /* the tiles, if any, are the map */ });
  }

  // Leaflet writes its scale as "3000 km" on every page: write it in the page's digits
  // and units instead (CLDR's, through the browser: "3,000 km", "۳٬۰۰۰ کیلومتر").
  const SCALE_UNITS = { m: "meter", km: "kilometer", mi: "mile", ft: "foot" };
  const updateScale = L.Control.Scale.prototype._updateScale;
  L.Control.Scale.prototype._updateScale = function (scale, text, ratio) {
    const parts = text.split(" ");
    const unit = SCALE_UNITS[parts[1]];
    const written = unit
      ? window.pageFormats.number(Number(parts[0]), { style: "unit", unit: unit, unitDisplay: "short" })
      : text;
    updateScale.call(this, scale, written, ratio);
  };

  // Leaflet's controls speak English: give them the page's language (djangojs catalogue).
  L.Control.Zoom.mergeOptions({ zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out") });

  window.addEventListener("load", function () {
    document.querySelectorAll("[data-leaflet-map]").forEach(function (element) {
      // Leaflet guesses its marker images' folder from its stylesheet, and guesses wrong
      // once static names carry a hash (marker-icon.0123456789ab.png): name them outright.
      L.Icon.Default.imagePath = "";
      L.Icon.Default.mergeOptions({
        iconUrl: element.dataset.markerIcon,
        iconRetinaUrl: element.dataset.markerIcon2x,
        shadowUrl: element.dataset.markerShadow,
      });
      const djoptions = JSON.parse(element.dataset.leafletMap);
      const map = L.Map.djangoMap(element.id, { djoptions: djoptions, globals: false, callback: null });
      addBaseLayer(map, element);
      map.on("popupopen", function (event) {
        const close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
        if (close) close.setAttribute("aria-label", gettext("Close popup"));
      });
    });
  });
})();
