// Starts each map django-leaflet drew (jamportal/templates/leaflet/_leaflet_map.html)
// from the options on its element, once the page has loaded. django-leaflet would do
// this with an inline script, which our Content-Security-Policy forbids.
window.addEventListener("load", function () {
  document.querySelectorAll("[data-leaflet-map]").forEach(function (element) {
    var djoptions = JSON.parse(element.dataset.leafletMap);
    L.Map.djangoMap(element.id, { djoptions: djoptions, globals: false, callback: null });
  });
});
