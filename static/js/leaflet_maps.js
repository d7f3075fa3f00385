// Starts each map django-leaflet drew (jamportal/templates/leaflet/_leaflet_map.html)
// from the options on its element, once the page has loaded. django-leaflet would do
// this with an inline script, which our Content-Security-Policy forbids.
window.addEventListener("load", function () {
  "use strict";
  // Leaflet's controls speak English: give them the page's language (djangojs catalogue).
  L.Control.Zoom.mergeOptions({ zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out") });
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
    map.on("popupopen", function (event) {
      const close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", gettext("Close popup"));
    });
  });
});
