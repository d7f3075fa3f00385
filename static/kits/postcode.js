/* The kit request's postcode is marked required only where the chosen country
 * uses postcodes (the list comes from the server, which applies the same rule). */
(function () {
  "use strict";
  const postcode = document.getElementById("id_postcode");
  const country = document.getElementById("id_country");
  if (!postcode || !country) return;
  const requiredIn = new Set(postcode.dataset.requiredIn.split(" "));
  const field = postcode.closest(".field");

  function update() {
    const required = requiredIn.has(country.value);
    field.classList.toggle("required", required);
    postcode.required = required;
    if (required) postcode.setAttribute("aria-required", "true");
    else postcode.removeAttribute("aria-required");
  }

  country.addEventListener("change", update);
  update();
})();
