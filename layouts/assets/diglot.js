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

  /* The sentence at the top of the viewport, in this page's own language (a side-by-side page
     shows both: its own half is .mine), or null. */
  function currentSentence(seg) {
    var bar = document.querySelector(".language-toggle");
    var top = bar ? bar.getBoundingClientRect().bottom : 0;
    var found = document.querySelectorAll('.article-body [data-sent], .half.mine [data-sent]');
    for (var i = 0; i < found.length; i++) {
      if (found[i].getBoundingClientRect().bottom > top + 8) {
        var block = found[i].closest("[data-seg]");
        return !block || Number(block.getAttribute("data-seg")) === seg ? found[i].getAttribute("data-sent") : null;
      }
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

  /* Side by side: pointing at a sentence (hover, tap, keyboard focus) highlights it and its
     translation, scrolls the translation into view when it is off screen, and tells a screen
     reader what the translation says. Only classes change: no layout shift. */
  function linkSentences(body) {
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    body.parentNode.insertBefore(live, body.nextSibling);
    body.querySelectorAll(".half [data-sent]").forEach(function (el) {
      el.tabIndex = 0;
    });
    var shown = null;
    function point(el, announce) {
      var id = el.getAttribute("data-sent");
      if (id === shown && !announce) { return; }
      body.querySelectorAll(".sent-hi").forEach(function (old) { old.classList.remove("sent-hi"); });
      shown = id;
      var half = el.closest(".half");
      var pair = body.querySelectorAll('[data-sent="' + id + '"]');
      var theirs = [];
      pair.forEach(function (other) {
        other.classList.add("sent-hi");
        if (other.closest(".half") !== half) { theirs.push(other); }
      });
      if (!theirs.length) { return; }
      var box = theirs[0].getBoundingClientRect();
      var bar = document.querySelector(".language-toggle");
      var top = bar ? bar.getBoundingClientRect().bottom : 0;
      if (box.bottom < top || box.top > window.innerHeight) { theirs[0].scrollIntoView({ block: "nearest" }); }
      if (announce) {
        live.lang = theirs[0].closest(".half").lang;
        live.textContent = theirs.map(function (t) { return t.textContent; }).join(" ");
      }
    }
    body.addEventListener("mouseover", function (event) {
      var el = event.target.closest("[data-sent]");
      if (el && body.contains(el)) { point(el, false); }
    });
    body.addEventListener("focusin", function (event) {
      var el = event.target.closest("[data-sent]");
      if (el) { point(el, true); }
    });
    body.addEventListener("click", function (event) {
      var el = event.target.closest("[data-sent]");
      if (el) { point(el, true); }
    });
  }

  /* The sentence of the article body the reader last pointed at (the peek emphasises its match). */
  var pointed = null;

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
      emphasise(panel, body, n);
    }, function () {
      settle();
      panel.appendChild(note(body.getAttribute("data-peek-error")));
    });
  }

  /* In the peek, the sentence matching the one last pointed at in segment n (else its first). */
  function emphasise(panel, body, n) {
    var own = pointed && pointed.closest('[data-seg="' + n + '"]') ? pointed
      : body.querySelector('[data-seg="' + n + '"] [data-sent], [data-seg="' + n + '"][data-sent]');
    var id = own && own.getAttribute("data-sent");
    panel.querySelectorAll('[data-sent="' + id + '"]').forEach(function (el) {
      el.classList.add("sent-hi");
      var mark = document.createElement("strong");
      el.parentNode.insertBefore(mark, el);
      mark.appendChild(el);
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
  if (peekable && window.fetch && window.DOMParser) {
    addPeekButtons(peekable);
    peekable.addEventListener("mouseover", function (event) {
      pointed = event.target.closest("[data-sent]") || pointed;
    });
    peekable.addEventListener("focusin", function (event) {
      pointed = event.target.closest("[data-sent]") || pointed;
    });
  }
  var parallel = document.querySelector(".parallel-body");
  if (parallel) { linkSentences(parallel); }
}());
