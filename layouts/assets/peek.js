/* diglot paragraph peek: the other language's paragraph beside ours. diglot.js adds the buttons
   and loads this file when the reader first reaches for one (as search.js on the search box's
   focus), so an article page carries only the buttons. No dependencies. */
(function () {
  "use strict";
  var html = document.documentElement;

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
  function fillPeek(panel, body, n, pointed) {
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
      emphasise(panel, body, n, pointed);
    }, function () {
      settle();
      panel.appendChild(note(body.getAttribute("data-peek-error")));
    });
  }

  /* In the peek, the sentence matching the one last pointed at in segment n (else its first). */
  function emphasise(panel, body, n, pointed) {
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

  function togglePeek(button, body, pointed) {
    var n = button.getAttribute("data-peek-seg");
    var panel = document.getElementById("peek-" + n);
    var open = button.getAttribute("aria-expanded") !== "true";
    if (!panel) {
      panel = document.createElement("div");
      panel.className = "peek";
      panel.id = "peek-" + n;
      panel.lang = body.getAttribute("data-peek-lang");
      lastBlockOf(body, n).insertAdjacentElement("afterend", panel);
      fillPeek(panel, body, n, pointed);
    }
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
  }

  window.diglotPeek = togglePeek;
}());
