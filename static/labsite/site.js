/* labsite — the little the public pages need from JavaScript. Everything works without it:
   the theme follows the system, <details> open by themselves, e-mail addresses read correctly
   (reversed in the source, shown right-to-left), math shows as its TeX source. */
(function () {
  "use strict";
  var root = document.documentElement;
  var script = document.currentScript;

  /* Theme toggle: light <-> dark, remembered. The <head> applies the stored choice before the
     first paint (no flash); this only wires the button. */
  function systemDark() {
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  function isDark() {
    var t = root.getAttribute("data-theme");
    return t ? t === "dark" : systemDark();
  }
  function initTheme() {
    var button = document.querySelector("[data-theme-toggle]");
    if (!button) return;
    var sync = function () {
      var dark = isDark();
      button.setAttribute("aria-pressed", dark ? "true" : "false");
      button.setAttribute("title", dark ? "Switch to light theme" : "Switch to dark theme");
    };
    button.hidden = false;
    sync();
    button.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("theme", next); } catch (e) { /* private mode: not remembered */ }
      sync();
    });
  }

  /* E-mail: the address is in the page reversed (data-r), so scrapers reading the HTML miss it. */
  function initEmail() {
    document.querySelectorAll("[data-email-r]").forEach(function (el) {
      var address = el.getAttribute("data-email-r").split("").reverse().join("");
      var link = document.createElement("a");
      link.href = "mailto:" + address;
      link.className = el.className;
      var icon = el.querySelector("svg");
      if (icon) link.appendChild(icon.cloneNode(true));
      link.appendChild(document.createTextNode(address));
      el.replaceWith(link);
    });
  }

  /* Copy buttons for BibTeX blocks. */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }
  function addCopy(block) {
    var pre = block.querySelector("pre");
    if (!pre) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn copy-btn";
    button.textContent = "Copy";
    var status = document.createElement("span");
    status.className = "vh";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      copyText(pre.textContent).then(function () {
        button.textContent = "Copied";
        status.textContent = "BibTeX copied to the clipboard";
      }, function () {
        var range = document.createRange();
        range.selectNodeContents(pre);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        button.textContent = "Press Ctrl+C";
        status.textContent = "Selected; press Control C to copy";
      });
      setTimeout(function () { button.textContent = "Copy"; status.textContent = ""; }, 2500);
    });
    block.appendChild(button);
    block.appendChild(status);
  }
  function initCopy() {
    document.querySelectorAll("[data-copy]").forEach(addCopy);
  }

  /* Math: $…$, $$…$$, \(…\), \[…\] typeset by KaTeX (served from our static files), loaded only
     when the page has some. The inline rule is labsite/markdown.py's (pandoc's): no blank just
     inside the dollars, no digit right after the closing one, so "costs $5 and $10" stays prose. */
  var MATH = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|(?<![\\$\w])\$([^\s$](?:[^$\n\\]|\\.)*?(?<!\s))\$(?![\d$])/g;
  var SKIP = /^(SCRIPT|STYLE|PRE|CODE|KBD|SAMP|TEXTAREA|OPTION|SVG)$/i;
  function mathNodes(scope) {
    var found = [];
    var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        for (var el = node.parentNode; el && el !== scope; el = el.parentNode) {
          if (SKIP.test(el.nodeName) || (el.classList && el.classList.contains("no-math"))) {
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
        // trust: false (KaTeX's default, said out loud): \href{javascript:…}, \url, \htmlId
        // and friends in a member's text render as inert text, never as a link or attribute.
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
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  var katexLoading = null;
  function loadKatex() {
    if (!katexLoading) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = script.getAttribute("data-katex-css");
      document.head.appendChild(css);
      katexLoading = loadScript(script.getAttribute("data-katex-js"));
    }
    return katexLoading;
  }
  function mathIn(scope) {
    if (!scope || !script) return;
    var nodes = mathNodes(scope);
    if (!nodes.length) return;
    root.setAttribute("data-math", "loading");
    loadKatex()
      .then(function () {
        nodes.forEach(typeset);
        root.setAttribute("data-math", "ready");
      })
      .catch(function () { root.setAttribute("data-math", "failed"); /* the TeX stays readable */ });
  }
  function initMath() {
    mathIn(document.querySelector("main"));
  }

  /* Publication lists carry each paper's title, authors, venue and links; its abstract and
     BibTeX stay on the paper's own page (the title's link, which is how a reader without
     JavaScript gets them) and its .bib file. Each entry gets "Abstract" (when it has one:
     data-abstract) and "BibTeX" toggles that fetch them the first time they are opened. */
  function fetchText(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + url);
      return response.text();
    });
  }
  function disclosure(label, title, href, load) {
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    summary.textContent = label;
    var context = document.createElement("span");
    context.className = "vh";
    context.textContent = ": " + title;
    summary.appendChild(context);
    var body = document.createElement("div");
    details.appendChild(summary);
    details.appendChild(body);
    var state = "";
    details.addEventListener("toggle", function () {
      if (!details.open || state) return;
      state = "loading";
      body.setAttribute("aria-busy", "true");
      body.textContent = "Loading…";
      load(body).then(function () {
        state = "loaded";
        body.removeAttribute("aria-busy");
      }, function () {
        state = "";  /* asked again on the next opening */
        body.removeAttribute("aria-busy");
        body.className = "";
        body.textContent = "Could not load it here. ";
        var link = document.createElement("a");
        link.href = href;
        link.textContent = "Open the paper’s page";
        body.appendChild(link);
      });
    });
    return details;
  }
  function abstractLoader(page) {
    return function (body) {
      return fetchText(page).then(function (html) {
        var found = new DOMParser().parseFromString(html, "text/html").querySelector(".paper-abstract");
        if (!found) throw new Error("no abstract on " + page);
        body.className = "pub-abstract";
        body.replaceChildren.apply(body, Array.prototype.map.call(found.childNodes, function (node) {
          return document.importNode(node, true);
        }));
        mathIn(body);
      });
    };
  }
  function bibtexLoader(bib) {
    return function (body) {
      return fetchText(bib).then(function (text) {
        body.className = "bibtex";
        var pre = document.createElement("pre");
        pre.className = "no-math";
        pre.tabIndex = 0;  /* it scrolls sideways on a phone: reachable by keyboard */
        pre.setAttribute("aria-label", "BibTeX entry");
        var code = document.createElement("code");
        code.textContent = text.trim();
        pre.appendChild(code);
        body.replaceChildren(pre);
        addCopy(body);
      });
    };
  }
  function initEntries() {
    document.querySelectorAll(".pubs > li").forEach(function (entry) {
      var link = entry.querySelector(":scope > a");  /* the title (see _entry.html) */
      var actions = entry.querySelector(":scope > div");
      if (!link || !actions) return;
      var page = link.getAttribute("href");
      var title = link.textContent;
      if (entry.hasAttribute("data-abstract")) {
        actions.appendChild(disclosure("Abstract", title, page, abstractLoader(page)));
      }
      var bib = page.replace(/\/$/, "") + ".bib";
      actions.appendChild(disclosure("BibTeX", title, bib, bibtexLoader(bib)));
    });
  }

  /* A code block wider than its column scrolls sideways: make it a tab stop, so that keyboard
     users can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable). */
  function initScrollables() {
    document.querySelectorAll(".prose pre:not([tabindex])").forEach(function (pre) {
      if (pre.scrollWidth > pre.clientWidth) pre.setAttribute("tabindex", "0");
    });
  }

  function init() {
    initTheme();
    initEmail();
    initCopy();
    initEntries();
    initMath();
    initScrollables();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
