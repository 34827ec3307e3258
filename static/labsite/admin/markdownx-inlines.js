/*
 * markdownx initialises its editors once, on page load (its issue #113). Django's "Add another"
 * clones the hidden empty inline row, whose editor was already marked as initialised, so the
 * copy gets no live preview and no image drop. On Django's formset:added event we clear that
 * mark on the new row and run markdownx's own loader again, which initialises every editor that
 * carries no mark — only the new ones.
 *
 * markdownx's <script> is looked up when a row is added, not when this file loads: the admin
 * puts the ModelAdmin's media (this file) before the widgets' media (markdownx.js).
 */
(function () {
  "use strict";

  function markdownxSource() {
    var script = document.querySelector('script[src*="markdownx/js/markdownx"]');
    return script ? script.getAttribute("src") : null;
  }

  document.addEventListener("formset:added", function (event) {
    var row = event.target;
    var editors = row.querySelectorAll(".markdownx .markdownx-editor");
    var src = markdownxSource();
    if (!editors.length || !src) return;
    editors.forEach(function (editor) {
      editor.removeAttribute("data-markdownx-init");
      var preview = editor.closest(".markdownx").querySelector(".markdownx-preview");
      if (preview) preview.innerHTML = "";
    });
    var again = document.createElement("script");
    again.src = src;
    document.body.appendChild(again);
  });
})();
