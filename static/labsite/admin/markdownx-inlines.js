/*
 * markdownx initialises its editors once, on page load (its issue #113). Django's "Add another"
 * clones the hidden empty inline row, whose editor was already marked as initialised, so the
 * copy gets no live preview and no image drop. On Django's formset:added event we clear that
 * mark on the new row and run markdownx's own loader again, which initialises every editor that
 * carries no mark — only the new ones.
 */
(function () {
  "use strict";
  var script = document.querySelector('script[src*="markdownx/js/markdownx"]');
  if (!script) return;
  var src = script.getAttribute("src");

  document.addEventListener("formset:added", function (event) {
    var row = event.target;
    var editors = row.querySelectorAll(".markdownx-editor[data-markdownx-init]");
    if (!editors.length) return;
    editors.forEach(function (editor) {
      editor.removeAttribute("data-markdownx-init");
      var preview = editor.parentNode.querySelector(".markdownx-preview");
      if (preview) preview.innerHTML = "";
    });
    var again = document.createElement("script");
    again.src = src;
    again.async = false;
    document.body.appendChild(again);
  });
})();
