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

  /* === Site chrome (issue 19) ===
   * The main menu: on narrow screens a Menu button opens and closes it (without
   * JavaScript the button stays hidden and the links are in view). One menu open at
   * a time; Escape or a click elsewhere closes it, and Escape gives focus back. */
  const header = document.querySelector(".site-header");
  const toggle = header && header.querySelector(".menu-toggle");
  const menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  const languages = header && header.querySelector(".language-switch");
  function setMenu(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  }
  if (menu) {
    header.classList.add("js-menu");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      setMenu(open);
      if (open && languages) languages.open = false;
    });
  }
  if (languages) {
    languages.addEventListener("toggle", function () {
      if (languages.open && menu) setMenu(false);
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (menu && toggle.getAttribute("aria-expanded") === "true") { setMenu(false); toggle.focus(); }
    if (languages && languages.open) { languages.open = false; languages.querySelector("summary").focus(); }
  });
  document.addEventListener("click", function (event) {
    if (menu && !header.contains(event.target)) setMenu(false);
    if (languages && languages.open && !languages.contains(event.target)) languages.open = false;
  });

  /* A link to a form field ("Find a Jam near you" on the home page) puts the cursor in it. */
  document.querySelectorAll('a[href^="#id_"]').forEach(function (link) {
    link.addEventListener("click", function () {
      const field = document.getElementById(link.getAttribute("href").slice(1));
      if (field) setTimeout(function () { field.focus(); }, 0);
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
