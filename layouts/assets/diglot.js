/* diglot reading behaviour: remember the reader's language, keep their place across
   languages and views, peek at one paragraph's translation, send the home page to the
   reader's language. No dependencies. */
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

  /* Paragraph peek: the other language's page is fetched once, on the first peek, and its
     [data-seg] blocks are copied beside ours; nothing of it is embedded in this page. */
  var fetched = {};

  function otherPage(url) {
    if (!fetched[url]) {
      fetched[url] = window.fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      }).then(function (text) {
        return new DOMParser().parseFromString(text, "text/html");
      });
      fetched[url].catch(function () { delete fetched[url]; });  /* let a later peek retry */
    }
    return fetched[url];
  }

  /* Copies of segment n's blocks from the other page, without ids or segment numbers. */
  function translatedBlocks(doc, n) {
    var found = doc.querySelectorAll('.article-body [data-seg="' + n + '"]');
    return Array.prototype.map.call(found, function (block) {
      var copy = document.importNode(block, true);
      copy.removeAttribute("id");
      copy.removeAttribute("data-seg");
      return copy;
    });
  }

  /* The last block of segment n on this page: the peek goes after it. */
  function lastBlockOf(body, n) {
    var blocks = body.querySelectorAll('[data-seg="' + n + '"]');
    return blocks[blocks.length - 1];
  }

  /* The panel says it is loading (and is marked busy) until the other page has come. */
  function fillPeek(panel, body, n) {
    var loading = document.createElement("div");
    loading.className = "peek-loading";
    loading.lang = html.lang;
    loading.textContent = body.getAttribute("data-peek-loading");
    panel.setAttribute("aria-busy", "true");
    panel.appendChild(loading);
    function settle() {
      panel.removeChild(loading);
      panel.removeAttribute("aria-busy");
    }
    otherPage(body.getAttribute("data-peek-from")).then(function (doc) {
      var blocks = translatedBlocks(doc, n);
      settle();
      if (!blocks.length) {
        panel.appendChild(note(body.getAttribute("data-peek-missing")));
      }
      blocks.forEach(function (block) { panel.appendChild(block); });
    }, function () {
      settle();
      panel.appendChild(note(body.getAttribute("data-peek-error")));
    });
  }

  /* A message in the page's own language, inside a panel that is in the other language. */
  function note(text) {
    var p = document.createElement("p");
    p.className = "peek-note";
    p.lang = html.lang;
    p.textContent = text;
    return p;
  }

  function togglePeek(button, body) {
    var n = button.getAttribute("data-peek-seg");
    var panel = document.getElementById("peek-" + n);
    var open = button.getAttribute("aria-expanded") !== "true";
    if (!panel) {
      panel = document.createElement("div");
      panel.className = "peek";
      panel.id = "peek-" + n;
      panel.lang = body.getAttribute("data-peek-lang");
      lastBlockOf(body, n).insertAdjacentElement("afterend", panel);
      fillPeek(panel, body, n);
    }
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
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
      button.addEventListener("click", function () { togglePeek(button, body); });
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
      form.getAttribute("data-scripts").split(" ").forEach(function (path) { preload(root + path, "script"); });
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
  if (peekable && window.fetch && window.DOMParser) { addPeekButtons(peekable); }
}());
