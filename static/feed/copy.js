/* "Copy" buttons beside the booth's token and pairing command: the text goes
 * to the clipboard and the button's neighbour says so (for screen readers too).
 * Without a clipboard (an insecure page, an old browser) the buttons stay hidden. */
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    const source = document.getElementById(button.dataset.copy);
    const said = document.querySelector(".token .copied");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(
        function () { said.textContent = gettext("Copied."); },
        function () { said.textContent = gettext("Could not copy: select the text and copy it."); }
      );
    });
  });
})();
