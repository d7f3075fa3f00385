/* Small behaviours of every page. */
(function () {
  "use strict";

  /* Dates and numbers written by scripts as the server writes them: the same locale,
   * digits, hour cycle and calendar, which jamportal/cldr/formats.py puts on <html>
   * (Persian digits and a 24-hour clock on Persian pages, Gregorian dates everywhere). */
  const rule = document.documentElement.dataset;
  window.pageFormats = {
    locale: rule.locale || document.documentElement.lang || "en",
    // Chromium knows no Welsh names of days and months: without them, write digits only.
    hasNames: Intl.DateTimeFormat.supportedLocalesOf([rule.locale || "en"]).length > 0,
    dateTime: function (options) {
      return new Intl.DateTimeFormat(this.locale, Object.assign({
        numberingSystem: rule.numbering, calendar: rule.calendar, hourCycle: rule.hourCycle,
      }, options));
    },
    number: function (value, options) {
      return new Intl.NumberFormat(this.locale, Object.assign({ numberingSystem: rule.numbering }, options)).format(value);
    },
  };

  /* A visitor who picks a language by its link is sent there by the bare
   * address next time too (a signed-in organiser's choice is kept with the account).
   * The cookie's name is the one the settings give (LANGUAGE_COOKIE_NAME), on the list. */
  document.querySelectorAll(".language-switch a[hreflang]").forEach(function (link) {
    link.addEventListener("click", function () {
      const cookie = link.closest("[data-language-cookie]").dataset.languageCookie;
      const language = link.getAttribute("hreflang");
      document.cookie = cookie + "=" + language + "; path=/; max-age=31536000; samesite=lax";
    });
  });

  /* A form that takes a while (PDFs, bulk actions on kits) shows that it is
   * working, and a second click does not send it twice. */
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.method.toLowerCase() !== "post") return;
    if (form.dataset.sending) { event.preventDefault(); return; }
    form.dataset.sending = "1";
    const button = event.submitter;
    if (button) { button.classList.add("busy"); button.setAttribute("aria-busy", "true"); }
    // If the answer is a download, the page stays: let the form be used again.
    setTimeout(function () {
      delete form.dataset.sending;
      if (button) { button.classList.remove("busy"); button.removeAttribute("aria-busy"); }
    }, 8000);
  });

  /* In right-to-left languages the map's zoom buttons move to the top right,
   * where the page starts. (The scale and attribution keep their bottom corners.) */
  if (document.documentElement.dir === "rtl") {
    window.addEventListener("map:init", function (event) {
      const map = event.detail.map;
      if (map.zoomControl) map.zoomControl.setPosition("topright");
    });
  }
})();
