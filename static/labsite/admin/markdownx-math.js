/*
 * Math in markdownx's live preview, as on the public pages: $…$, $$…$$, \(…\) and \[…\] are
 * typeset by the same vendored KaTeX (loaded by MarkdownxAdminMedia), with the same rules as
 * static/labsite/site.js — the inline rule is labsite/markdown.py's (pandoc's): no blank just
 * inside the dollars, no digit right after the closing one, so "costs $5 and $10" stays prose.
 * KaTeX's auto-render extension is not used for that reason: its "$" rule would typeset prices
 * the public page leaves alone, and the preview is meant to be the page.
 *
 * markdownx replaces the preview's HTML on every keystroke pause and then fires
 * "markdownx.update" on the editor's container; we typeset after each one. The event is caught
 * on the document in the capture phase, so rows added with "Add another" are covered too.
 */
(function () {
  "use strict";

  var MATH = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|(?<![\\$\w])\$([^\s$](?:[^$\n\\]|\\.)*?(?<!\s))\$(?![\d$])/g;
  var SKIP = /^(SCRIPT|STYLE|PRE|CODE|KBD|SAMP|TEXTAREA|OPTION|SVG)$/i;

  function mathNodes(scope) {
    var found = [];
    var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        for (var el = node.parentNode; el && el !== scope; el = el.parentNode) {
          if (SKIP.test(el.nodeName) || (el.classList && el.classList.contains("katex"))) {
            return NodeFilter.FILTER_REJECT;
          }
        }
        MATH.lastIndex = 0;
        return MATH.test(node.nodeValue) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      }
    });
    while (walker.nextNode()) found.push(walker.currentNode);
    return found;
  }

  function typeset(node) {
    var text = node.nodeValue, last = 0, match, out = document.createDocumentFragment();
    MATH.lastIndex = 0;
    while ((match = MATH.exec(text))) {
      var display = match[1] !== undefined || match[2] !== undefined;
      var tex = match[1] || match[2] || match[3] || match[4];
      out.appendChild(document.createTextNode(text.slice(last, match.index)));
      var span = document.createElement("span");
      span.className = display ? "math math-display" : "math";
      try {
        // trust: false, as on the public pages: \href{javascript:…} stays inert text.
        window.katex.render(tex, span, { displayMode: display, throwOnError: false, trust: false });
      } catch (e) {
        span.textContent = match[0];
      }
      out.appendChild(span);
      last = match.index + match[0].length;
    }
    out.appendChild(document.createTextNode(text.slice(last)));
    node.parentNode.replaceChild(out, node);
  }

  function render(preview) {
    if (!preview || !window.katex) return;  // without KaTeX the TeX stays readable
    mathNodes(preview).forEach(typeset);
  }

  document.addEventListener(
    "markdownx.update",
    function (event) {
      var box = event.target && event.target.closest ? event.target.closest(".markdownx") : null;
      render(box ? box.querySelector(".markdownx-preview") : null);
    },
    true
  );

  // A preview markdownx filled before this listener existed (the editor's initial text).
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".markdownx-preview").forEach(render);
  });
})();
