/* diglot side-by-side reading: pointing at a sentence shows its translation. Loaded by
   parallel.html only, after diglot.js: article pages never download it. No dependencies. */
(function () {
  "use strict";

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

  var body = document.querySelector(".parallel-body");
  if (body) { linkSentences(body); }
}());
