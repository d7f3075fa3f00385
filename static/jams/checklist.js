// A long list of checkboxes (.checklist, such as the languages spoken at a Jam) gets a
// field above it that keeps in view only the options whose name holds what is typed,
// ignoring case and accents; ticked options always stay. Without script the list is
// a box that scrolls, and works the same.
(function () {
  "use strict";

  function plain(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
  }

  function enhance(list) {
    const options = Array.from(list.querySelectorAll(":scope > div"));
    const filter = document.createElement("input");
    filter.type = "search";
    filter.className = "checklist-filter";
    filter.id = list.id + "_filter";
    filter.setAttribute("aria-controls", list.id);
    filter.autocomplete = "off";
    const label = document.createElement("label");
    label.htmlFor = filter.id;
    label.className = "checklist-filter-label";
    label.textContent = gettext("Find a language");
    const status = document.createElement("p");
    status.className = "help checklist-status";
    status.setAttribute("role", "status");
    list.before(label, filter);
    list.after(status);

    filter.addEventListener("input", function () {
      const wanted = plain(filter.value.trim());
      let shown = 0;
      options.forEach(function (option) {
        const keep = !wanted || option.querySelector("input").checked || plain(option.textContent).includes(wanted);
        option.hidden = !keep;
        if (keep) shown += 1;
      });
      status.textContent = wanted
        ? interpolate(ngettext("%s language shown", "%s languages shown", shown), [window.pageFormats.number(shown)])
        : "";
    });
    // Enter in the field would send the whole form: it ticks the only option left instead.
    filter.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const left = options.filter(function (option) { return !option.hidden && !option.querySelector("input").checked; });
      if (left.length === 1) left[0].querySelector("input").checked = true;
    });
  }

  document.querySelectorAll("div.checklist[id]").forEach(enhance);
})();
