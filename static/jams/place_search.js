/* "Near": place suggestions while typing, and "use my location".
 *
 * Suggestions fill the input's <datalist> from the offline gazetteer; picking
 * one submits its full name, which the server finds again exactly. The
 * location button asks the browser for a position (nothing leaves the page
 * but the two coordinates of the search) and searches around it.
 */
(function () {
  "use strict";
  const form = document.querySelector("form[data-suggest-url]");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const list = document.getElementById("place-suggestions");
  let timer = null;
  let controller = null;

  // Only the fields filled in go into the search's address (the server reads a field
  // left out as an empty one): ?q=Leeds, not ten empty parameters after it. They are
  // switched off while the form is sent and on again when the page comes back.
  function emptyFields() {
    return Array.from(form.elements).filter(function (field) {
      return field.name && !field.disabled && field.value === "" && field.type !== "submit";
    });
  }
  form.addEventListener("submit", function () {
    emptyFields().forEach(function (field) {
      field.disabled = true;
      field.dataset.leftOut = "";
    });
  });
  window.addEventListener("pageshow", function () {
    form.querySelectorAll("[data-left-out]").forEach(function (field) {
      field.disabled = false;
      delete field.dataset.leftOut;
    });
  });

  input.addEventListener("input", function () {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) return;
    timer = setTimeout(function () {
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(form.dataset.suggestUrl + "?q=" + encodeURIComponent(text), { signal: controller.signal })
        .then(function (response) { return response.ok ? response.json() : { places: [] }; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.places.map(function (place) {
            const option = document.createElement("option");
            option.value = place.label;
            return option;
          }));
        })
        .catch(function () { /* typing on; the next keystroke asks again */ });
    }, 150);
  });

  const locate = form.querySelector("button.locate");
  if (!("geolocation" in navigator) || !locate) return;
  locate.hidden = false;
  locate.addEventListener("click", function () {
    locate.disabled = true;
    locate.textContent = gettext("Finding you…");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        const params = new URLSearchParams(new FormData(form));
        params.delete("q");
        emptyFields().forEach(function (field) { params.delete(field.name); });
        params.set("around", position.coords.latitude.toFixed(4) + "," + position.coords.longitude.toFixed(4));
        window.location.search = params.toString();
      },
      function () {
        locate.disabled = false;
        locate.textContent = gettext("Use my location");
        alert(gettext("Your browser did not share your location. Type a town or city instead."));
      },
      { timeout: 10000, maximumAge: 600000 }
    );
  });
})();
