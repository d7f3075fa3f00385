/* "Embed this" (jamportal/embeds/templates/embeds/_embed_this.html): a dialog with
 * the snippets for another site, in the language chosen, a copy button for each and
 * a live preview, which is our element itself (static/embeds/jamportal-embed.js). */
(function () {
  "use strict";

  function attribute(value) {
    return String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function start(root) {
    const open = root.querySelector(".embed-open");
    const dialog = root.querySelector(".embed-dialog");
    const language = dialog.querySelector("#embed-language");
    const elementText = dialog.querySelector("#embed-element");
    const iframeText = dialog.querySelector("#embed-iframe");
    const preview = dialog.querySelector(".embed-preview");
    // A picture of the embed: no focus, no clicks (Escape and Tab stayed inside it). Set here,
    // not in the markup: the Nu HTML checker does not know `inert` yet.
    preview.inert = true;
    const status = dialog.querySelector(".embed-copy-status");

    function chosen() {
      return dialog.querySelector("input[name=embed-choice]:checked");
    }

    function draw() {
      const choice = chosen();
      const lang = language.value;
      const attributes = Object.assign({}, JSON.parse(choice.dataset.attributes));
      if (lang) attributes.lang = lang;
      const written = Object.keys(attributes).map(function (name) {
        return attributes[name] === "" ? " " + name : " " + name + '="' + attribute(attributes[name]) + '"';
      }).join("");
      const tag = choice.dataset.element;
      elementText.value = '<script src="' + attribute(root.dataset.script) + '" defer></script>\n<' + tag + written + "></" + tag + ">";
      const url = new URL(root.dataset.portal + "/embed/" + choice.dataset.path);
      if (lang) url.searchParams.set("lang", lang);
      const height = tag === "jamportal-map" ? 560 : 400;
      iframeText.value = '<iframe src="' + attribute(url.href) + '" title="' + attribute(choice.dataset.title) +
        '" width="100%" height="' + height + '" style="border:0" loading="lazy"></iframe>';
      // The preview: the same element, from this site.
      const shown = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) { shown.setAttribute(name, attributes[name]); });
      preview.replaceChildren(shown);
      status.textContent = "";
    }

    function copy(button) {
      const text = dialog.querySelector("#" + button.dataset.copy);
      text.select();
      const done = navigator.clipboard ? navigator.clipboard.writeText(text.value) : Promise.reject(new Error("no clipboard"));
      done.then(function () { status.textContent = status.dataset.copied; })
        .catch(function () { status.textContent = status.dataset.failed; });
    }

    open.hidden = false;
    open.addEventListener("click", function () {
      draw();
      dialog.showModal();
    });
    dialog.querySelector(".embed-close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () {
      preview.replaceChildren();
      open.focus();
    });
    dialog.addEventListener("change", function (event) {
      if (event.target.name === "embed-choice" || event.target === language) draw();
    });
    dialog.querySelectorAll(".embed-copy").forEach(function (button) {
      button.addEventListener("click", function () { copy(button); });
    });
  }

  document.querySelectorAll(".embed-this").forEach(start);
})();
