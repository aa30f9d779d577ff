/* diglot reading behaviour: remember the reader's language, keep their place across
   languages and views (to the sentence), the paragraph peek's buttons (peek.js does the rest),
   send the home page to the reader's language. Side by side: parallel.js. No dependencies. */
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

  /* The segment whose block is at the top of the viewport (below the sticky toggle bar, which
     hides what is under it), or 0 at the very top of the page. */
  function currentSegment() {
    var blocks = document.querySelectorAll("[data-seg]");
    var bar = document.querySelector(".language-toggle");
    var top = bar ? bar.getBoundingClientRect().bottom : 0;
    if (!blocks.length || window.scrollY < 2) { return 0; }
    for (var i = 0; i < blocks.length; i++) {
      if (blocks[i].getBoundingClientRect().bottom > top + 8) { return Number(blocks[i].getAttribute("data-seg")); }
    }
    return Number(blocks[blocks.length - 1].getAttribute("data-seg"));
  }

  /* The sentence at the top of the viewport, in this page's own language (a side-by-side page
     shows both: its own half is .mine), or null: the first one still showing below the bar, unless
     only its last line shows and the next sentence starts on that line (the reader is past it). */
  function currentSentence(seg) {
    var bar = document.querySelector(".language-toggle");
    var top = bar ? bar.getBoundingClientRect().bottom : 0;
    var found = document.querySelectorAll('.article-body [data-sent], .half.mine [data-sent]');
    for (var i = 0; i < found.length; i++) {
      var lines = found[i].getClientRects(), last = lines[lines.length - 1];
      if (!last || last.bottom <= top + 8) { continue; }
      var next = found[i + 1] && found[i + 1].getClientRects()[0];
      if (lines[0].top < top - 2 && last.top < top + 8 && next && Math.abs(next.top - last.top) < 2) { continue; }
      var block = found[i].closest("[data-seg]");
      return !block || Number(block.getAttribute("data-seg")) === seg ? found[i].getAttribute("data-sent") : null;
    }
    return null;
  }

  var SENTENCE = "diglot-sentence";

  function keepPlace(event) {
    var link = event.target.closest("a[data-keep-place]");
    if (!link) { return; }
    var seg = currentSegment();
    try {  /* the page it opens scrolls on to the same sentence (the #sN still works without it) */
      window.sessionStorage.setItem(SENTENCE, seg ? currentSentence(seg) || "" : "");
    } catch (e) { /* storage may be disabled */ }
    var base = link.getAttribute("href").split("#")[0];
    link.setAttribute("href", seg ? base + "#s" + seg : base);
    if (link.hasAttribute("hreflang")) { remember(link.getAttribute("hreflang")); }
  }

  /* #sN may name a segment that has no block on this side (a 1-0 bead): land on the nearest. */
  function landOnSegment() {
    var match = /^#s(\d+)$/.exec(window.location.hash);
    landOnSentence(match);
    if (!match || document.getElementById("s" + match[1])) { return; }
    var wanted = Number(match[1]), best = null;
    document.querySelectorAll("[data-seg]").forEach(function (el) {
      if (best === null || Number(el.getAttribute("data-seg")) <= wanted) { best = el; }
    });
    if (best) { best.scrollIntoView(); }
  }

  /* After a toggle, the sentence the reader was at, if it is not the segment's first line. */
  function landOnSentence(match) {
    var id = null;
    try {
      id = window.sessionStorage.getItem(SENTENCE);
      window.sessionStorage.removeItem(SENTENCE);
    } catch (e) { return; }
    var target = match && id && document.querySelector(
      '.article-body [data-sent="' + id + '"], .half.mine [data-sent="' + id + '"]');
    var block = target && target.closest("[data-seg]");
    if (block && block.getAttribute("data-seg") === match[1] && target.getBoundingClientRect().top > 0) {
      target.classList.add("sent-landed");
      /* after the browser's own jump to #sN, which comes once the page has loaded */
      var land = function () { window.setTimeout(function () { target.scrollIntoView(); }, 0); };
      if (document.readyState === "complete") { land(); } else { window.addEventListener("load", land); }
    }
  }

  /* The sentence of the article body the reader last pointed at (the peek emphasises its match). */
  var pointed = null;

  /* The peek's code (peek.js) is fetched when the reader first reaches for a peek button, pointer or
     focus, so the article page stays under its 30 KB; a click that comes before it waits for it. */
  var peekQueue = null;

  function loadPeek() {
    if (peekQueue) { return; }
    peekQueue = [];
    var script = document.createElement("script");
    script.src = (html.getAttribute("data-root") || "") + "assets/peek.js";
    script.onload = function () {
      peekQueue.forEach(function (run) { run(); });
      peekQueue = [];
    };
    script.onerror = function () { peekQueue = null; };  /* a later reach retries */
    document.head.appendChild(script);
  }

  function peekAt(button, body) {
    var run = function () { window.diglotPeek(button, body, pointed); };
    if (window.diglotPeek) { run(); return; }
    loadPeek();
    peekQueue.push(run);
  }

  /* A small button at the end of the first block of every segment. */
  function addPeekButtons(body) {
    var code = body.getAttribute("data-peek-code");
    var label = code + " — " + body.getAttribute("data-peek-show");
    body.querySelectorAll("[data-seg][id]").forEach(function (block) {
      var n = block.getAttribute("data-seg");
      var host = /^(UL|OL)$/.test(block.tagName) && block.lastElementChild ? block.lastElementChild : block;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "peek-button";
      button.textContent = code;
      button.setAttribute("aria-label", label);
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", "peek-" + n);
      button.setAttribute("data-peek-seg", n);
      button.addEventListener("click", function () { peekAt(button, body); });
      host.appendChild(document.createTextNode(" "));
      host.appendChild(button);
    });
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

  /* Ask for a file now, so it is in the cache when a script or fetch wants it. */
  function preload(href, kind) {
    var link = document.createElement("link");
    link.rel = "preload";
    link.as = kind;
    link.href = href;
    if (kind === "fetch") { link.crossOrigin = "anonymous"; }
    document.head.appendChild(link);
  }

  /* The search box works only with search.js, which is 13 KB: show the box now, fetch the script on
     first use, and start everything search.js will ask for at the same time (one round trip, not two). */
  function prepareSearch() {
    var form = document.querySelector("[data-search]");
    if (!form) { return; }
    form.hidden = false;
    var input = form.querySelector("input[type=search]");
    input.addEventListener("focus", function load() {
      input.removeEventListener("focus", load);
      var root = html.getAttribute("data-root") || "";
      var lang = form.getAttribute("data-lang");
      var scripts = form.getAttribute("data-scripts") + " " + (form.getAttribute("data-scripts-" + lang) || "");
      scripts.split(" ").filter(Boolean).forEach(function (path) { preload(root + path, "script"); });
      preload(root + "search/" + lang + "/manifest.json", "fetch");
      var script = document.createElement("script");
      script.src = root + "assets/search.js";
      document.head.appendChild(script);
    });
  }

  prepareSearch();
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
  var peekable = document.querySelector(".article-body[data-peek-from]");
  if (peekable && window.fetch && window.DOMParser) {
    addPeekButtons(peekable);
    ["mouseover", "focusin"].forEach(function (kind) {
      peekable.addEventListener(kind, function (event) {
        pointed = event.target.closest("[data-sent]") || pointed;
        if (event.target.closest(".peek-button")) { loadPeek(); }
      });
    });
  }
}());
