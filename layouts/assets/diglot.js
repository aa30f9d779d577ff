/* diglot reading behaviour: remember the reader's language, keep their place across
   languages and views, send the home page to the reader's language. No dependencies. */
(function () {
  "use strict";
  var html = document.documentElement;
  var STORE = "diglot-lang";

  function remember(lang) {
    try { window.localStorage.setItem(STORE, lang); } catch (e) { /* storage may be disabled */ }
  }

  function remembered() {
    try { return window.localStorage.getItem(STORE); } catch (e) { return null; }
  }

  /* The segment whose block is at the top of the viewport, or 0 at the very top of the page. */
  function currentSegment() {
    var blocks = document.querySelectorAll("[data-seg]");
    if (!blocks.length || window.scrollY < 2) { return 0; }
    for (var i = 0; i < blocks.length; i++) {
      if (blocks[i].getBoundingClientRect().bottom > 1) { return Number(blocks[i].getAttribute("data-seg")); }
    }
    return Number(blocks[blocks.length - 1].getAttribute("data-seg"));
  }

  function keepPlace(event) {
    var link = event.target.closest("a[data-keep-place]");
    if (!link) { return; }
    var seg = currentSegment();
    var base = link.getAttribute("href").split("#")[0];
    link.setAttribute("href", seg ? base + "#s" + seg : base);
    if (link.hasAttribute("hreflang")) { remember(link.getAttribute("hreflang")); }
  }

  /* #sN may name a segment that has no block on this side (a 1-0 bead): land on the nearest. */
  function landOnSegment() {
    var match = /^#s(\d+)$/.exec(window.location.hash);
    if (!match || document.getElementById("s" + match[1])) { return; }
    var wanted = Number(match[1]), best = null;
    document.querySelectorAll("[data-seg]").forEach(function (el) {
      if (best === null || Number(el.getAttribute("data-seg")) <= wanted) { best = el; }
    });
    if (best) { best.scrollIntoView(); }
  }

  /* The remembered choice, else the first of the browser's languages that the site has. */
  function chooseHomeLanguage() {
    var choice = remembered();
    var prefs = navigator.languages || [navigator.language || ""];
    for (var i = 0; !choice && i < prefs.length; i++) {
      var code = prefs[i].slice(0, 2).toLowerCase();
      if (document.querySelector('[data-choose-language="' + code + '"]')) { choice = code; }
    }
    var target = document.querySelector('[data-choose-language="' + (choice || html.lang) + '"]');
    if (target) { window.location.replace(target.href); }
  }

  if (document.querySelector("[data-home]")) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest("[data-choose-language]");
      if (link) { remember(link.getAttribute("data-choose-language")); }
    });
    chooseHomeLanguage();
    return;
  }
  remember(html.lang);
  document.addEventListener("click", keepPlace);
  window.addEventListener("hashchange", landOnSegment);
  landOnSegment();
}());
