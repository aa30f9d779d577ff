/*
 * diglot search box: results as the reader types, from the lunr indexes in search/.
 *
 * Nothing heavy loads with the page: on the box's first focus the lunr scripts
 * and the reader's language's search manifest download in parallel; each query
 * then fetches only the shards of its terms and the metadata of the results shown
 * (search-shards.js). The other language loads only when the reader asks for it.
 * Plain ES2017, no modules: pages allow only script files from their own site.
 */
(function () {
  'use strict';

  var form = document.querySelector('[data-search]');
  if (!form || !window.fetch || !window.Promise) {
    return;
  }
  var root = document.documentElement.getAttribute('data-root') || '';
  var input = form.querySelector('.search-input');
  var otherBox = form.querySelector('[data-search-other]');
  var status = form.querySelector('.search-status');
  var panel = form.querySelector('.search-panel');
  var summary = form.querySelector('.search-summary');
  var list = form.querySelector('.search-results');
  var pageLang = form.getAttribute('data-lang');
  var otherLangs = (form.getAttribute('data-other-langs') || '').split(' ').filter(Boolean);
  // Scripts download in parallel but run in this order (each needs the one before); a language's
  // own (data-scripts-fr: lunr.fr and its stemmer support) load only when it is searched.
  var SCRIPTS = form.getAttribute('data-scripts').split(' ');
  // Results shown first, and added by each "More results": the panel shows about four at a time,
  // and every result shown fetches its metadata block (about 5 KB gzipped for 100 documents).
  var FIRST = 5;
  var MORE = 10;
  // At most one search per this many ms while typing fast; an isolated key searches at once.
  var THROTTLE_MS = 60;
  // A query the common words' heads cannot answer fetches their rests (large) only after this
  // pause in typing: the prefixes of a word being typed would fetch them for nothing.
  var REST_PAUSE_MS = 300;
  // Shorter typed wildcards (se*) would expand to most of the index and add little.
  var MIN_PREFIX = 2;
  // A typed word gets its trailing-wildcard twin from this many letters on: "be*" or "sta*" expand
  // to hundreds of words whose best documents are noise, and each such screen fetched its own
  // metadata blocks while the word was still being typed.
  var TWIN_PREFIX = 4;
  // Input of one character searches only after this pause in typing: a word's first letter would
  // fetch that letter's shard (among the biggest) for results nobody reads.
  var SHORT_PAUSE_MS = 300;
  var PREFIX_BOOST = 0.2;
  // lunr's query syntax characters, replaced by spaces when its parser rejects the input.
  var QUERY_SYNTAX = /[\s\-:~^*+\\/]+/;
  // Splits like lunr's tokenizer, keeping the separators so text can be rebuilt.
  var WORD_SPLIT = /([\s\-]+)/;
  var EDGE_PUNCTUATION = /^([^0-9A-Za-z\u00c0-\u024f]*)(.*?)([^0-9A-Za-z\u00c0-\u024f]*)$/;

  var scripts = {};
  var indexes = {};
  var active = -1;
  var lastRun = 0;
  var timer = null;
  var timerWaitsForPause = false;
  var generation = 0;
  // How many results the query on screen shows (FIRST, grown by "More results").
  var wanted = FIRST;
  var shownText = null;  // the query whose results are on screen

  /* Loads one classic script; async=false keeps execution in insertion order. */
  function loadScript(path) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement('script');
      el.src = root + path;
      el.async = false;
      el.onload = resolve;
      el.onerror = function () { reject(new Error('could not load ' + path)); };
      document.head.appendChild(el);
    });
  }

  /* The scripts every search needs, then the language's own (each path loaded once). */
  function loadScripts(lang) {
    var own = (form.getAttribute('data-scripts-' + lang) || '').split(' ').filter(Boolean);
    return Promise.all(SCRIPTS.concat(own).map(function (path) {
      if (!scripts[path]) {
        scripts[path] = loadScript(path);
        scripts[path].catch(function () { delete scripts[path]; });
      }
      return scripts[path];
    }));
  }

  function fetchJson(path) {
    return fetch(root + path, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) {
        throw new Error(path + ': HTTP ' + response.status);
      }
      return response.json();
    });
  }

  /* One language's search manifest, fetched alongside the scripts; shards and metadata
     blocks come later, for each query's terms and the results shown (search-shards.js). */
  function loadLanguage(lang) {
    if (!indexes[lang]) {
      var manifest = fetchJson('search/' + lang + '/manifest.json');
      indexes[lang] = Promise.all([loadScripts(lang), manifest]).then(function () {
        var fetchOnce = function (path) { return /manifest\.json$/.test(path) ? manifest : fetchJson(path); };
        return window.diglotSearchShards.open(window.lunr, fetchOnce, 'search/' + lang + '/');
      }).then(function (store) {
        return {
          lang: lang,
          store: store,
          pipeline: window.diglotSearchPipelines.pipeline(window.lunr, lang, false),
          words: new Map()
        };
      });
      indexes[lang].catch(function () { delete indexes[lang]; });
    }
    return indexes[lang];
  }

  function searchedLangs() {
    return [pageLang].concat(otherBox && otherBox.checked ? otherLangs : []);
  }

  /* A trailing-wildcard twin of a plain term, so "espion" also finds "espionnage". */
  function prefixClause(query, lang, word, fields, boost) {
    var prefix = window.diglotSearchPipelines.prefixTerm(lang, word);
    if (prefix.length >= TWIN_PREFIX) {
      query.clause({
        term: prefix, fields: fields, boost: boost * PREFIX_BOOST, usePipeline: false,
        wildcard: window.lunr.Query.wildcard.TRAILING, presence: window.lunr.Query.presence.OPTIONAL
      });
    }
  }

  /* Keeps what lunr's parser made of the input, folds typed wildcards, adds prefix twins. */
  function parsedQuery(lang, text) {
    return function (query) {
      new window.lunr.QueryParser(text, query).parse();
      var parsed = query.clauses;
      query.clauses = [];
      parsed.forEach(function (clause) {
        if (!clause.usePipeline) {
          clause.term = window.diglotSearchPipelines.foldWildcard(lang, clause.term);
          if (clause.term.replace(/\*/g, '').length >= MIN_PREFIX) {
            query.clauses.push(clause);
          }
          return;
        }
        query.clauses.push(clause);
        if (clause.presence === window.lunr.Query.presence.OPTIONAL && !clause.editDistance) {
          prefixClause(query, lang, clause.term, clause.fields, clause.boost);
        }
      });
    };
  }

  /* For input lunr's parser rejects ("titre:x", "~", URLs): every word as a plain term. */
  function plainQuery(lang, text) {
    return function (query) {
      text.split(QUERY_SYNTAX).filter(Boolean).forEach(function (word) {
        query.term(word, {});
        prefixClause(query, lang, word, query.allFields, 1);
      });
    };
  }

  /* Resolves after a pause in typing, or rejects when a newer query started meanwhile. */
  function typingPause(ticket) {
    return function () {
      return new Promise(function (resolve, reject) {
        setTimeout(function () { return ticket === generation ? resolve() : reject(new Error('replaced')); }, REST_PAUSE_MS);
      });
    };
  }

  /* One language's results (a promise): lunr's parser first, every word as a plain term if it refuses the input. */
  function searchOne(entry, text, ticket, count) {
    // More results are asked for, not typed: their rests (if any) are fetched at once.
    var results, pause = count > FIRST ? null : typingPause(ticket);
    try {
      results = window.diglotSearchShards.query(entry.store, parsedQuery(entry.lang, text), count, pause);
    } catch (parseError) {
      try {
        results = window.diglotSearchShards.query(entry.store, plainQuery(entry.lang, text), count, pause);
      } catch (error) {
        results = Promise.resolve([]);
      }
    }
    return results.then(function (found) {
      var hits = found.map(function (result) {
        return { entry: entry, result: result };
      });
      // Only the first screen was searched (heads of common words): how many there are at least.
      hits.total = found.total;
      return hits;
    });
  }

  /* Every searched language's results, best first, the ones shown with what they show (hit.doc);
     null when a newer query started meanwhile (its blocks would be fetched for nothing). */
  function searchAll(entries, text, ticket, count) {
    return Promise.all(entries.map(function (entry) { return searchOne(entry, text, ticket, count); })).then(function (lists) {
      if (ticket !== generation) {
        return null;
      }
      // Stable sort: equal scores keep each index's own order.
      var hits = [].concat.apply([], lists).sort(function (a, b) { return b.result.score - a.result.score; });
      hits.total = lists.reduce(function (sum, list) { return sum + (list.total || list.length); }, 0);
      hits.atLeast = lists.some(function (list) { return list.total !== undefined; });
      var shown = hits.slice(0, count);
      return Promise.all(entries.map(function (entry) {
        var refs = shown.filter(function (hit) { return hit.entry === entry; }).map(function (hit) { return hit.result.ref; });
        return refs.length ? window.diglotSearchShards.documents(entry.store, refs) : {};
      })).then(function (docs) {
        shown.forEach(function (hit) { hit.doc = docs[entries.indexOf(hit.entry)][hit.result.ref]; });
        return hits;
      });
    });
  }

  /* The index terms a word of a title or snippet stands for (cached: words repeat). */
  function wordTerms(entry, word) {
    var terms = entry.words.get(word);
    if (!terms) {
      terms = entry.pipeline.run(window.lunr.tokenizer(word)).map(String);
      entry.words.set(word, terms);
    }
    return terms;
  }

  /* Appends text to a parent, wrapping in <mark> each word whose terms the result matched. */
  function appendHighlighted(parent, text, entry, matched) {
    text.split(WORD_SPLIT).forEach(function (piece) {
      var hit = piece && !WORD_SPLIT.test(piece) && wordTerms(entry, piece).some(function (term) {
        return matched[term];
      });
      if (!hit) {
        parent.appendChild(document.createTextNode(piece));
        return;
      }
      var parts = EDGE_PUNCTUATION.exec(piece);
      var mark = document.createElement('mark');
      mark.textContent = parts[2] || piece;
      parent.appendChild(document.createTextNode(parts[2] ? parts[1] : ''));
      parent.appendChild(mark);
      parent.appendChild(document.createTextNode(parts[2] ? parts[3] : ''));
    });
  }

  function span(className, lang) {
    var el = document.createElement('span');
    el.className = className;
    if (lang) {
      el.lang = lang;
    }
    return el;
  }

  function languageName(lang) {
    var el = form.querySelector('[data-lang-name="' + lang + '"]');
    return el ? el.textContent : lang;
  }

  function resultItem(hit, number) {
    var doc = hit.doc;
    var matched = hit.result.matchData.metadata;
    var item = document.createElement('li');
    var link = document.createElement('a');
    var title = span('search-title');
    var meta = span('search-meta');
    var snippet = span('search-snippet');
    item.id = 'search-result-' + number;
    item.setAttribute('role', 'option');
    item.setAttribute('aria-selected', 'false');
    item.lang = hit.entry.lang;
    link.href = root + doc.url;
    link.tabIndex = -1;
    appendHighlighted(title, doc.title, hit.entry, matched);
    meta.textContent = doc.date;
    if (hit.entry.lang !== pageLang) {
      var label = span('search-lang', pageLang);
      label.textContent = languageName(hit.entry.lang);
      meta.appendChild(label);
    }
    appendHighlighted(snippet, doc.snippet, hit.entry, matched);
    link.appendChild(title);
    link.appendChild(meta);
    link.appendChild(snippet);
    item.appendChild(link);
    return item;
  }

  function countText(count, text, atLeast) {
    if (!count) {
      return form.getAttribute('data-none').replace('{query}', text);
    }
    var template = form.getAttribute(atLeast ? 'data-count-more' : count === 1 ? 'data-count-one' : 'data-count-other');
    return template.replace('{count}', count.toLocaleString(pageLang));
  }

  function say(message) {
    status.textContent = message;
    summary.textContent = message;
  }

  function setOpen(open) {
    panel.hidden = !open;
    input.setAttribute('aria-expanded', open && list.children.length ? 'true' : 'false');
    if (!open) {
      select(-1);
    }
  }

  /* The last option when more results than shown exist: choosing it shows MORE more. Its text
     sits in the option itself: a button inside an option would be interactive content nested in
     another (the listbox's options are chosen with the arrows, Enter or a click). */
  function moreItem() {
    var item = document.createElement('li');
    item.id = 'search-more';
    item.className = 'search-more';
    item.setAttribute('role', 'option');
    item.setAttribute('aria-selected', 'false');
    item.textContent = form.getAttribute('data-more');
    return item;
  }

  /* Shows a query's results; `from` is the option to select (the first added by "More results"), or -1. */
  function render(hits, text, count, from) {
    var fragment = document.createDocumentFragment();
    var shown = hits.slice(0, count);
    shown.forEach(function (hit, i) {
      fragment.appendChild(resultItem(hit, i));
    });
    if (shown.length < hits.total || (hits.atLeast && shown.length === count)) {
      fragment.appendChild(moreItem());
    }
    active = -1;
    input.removeAttribute('aria-activedescendant');
    list.textContent = '';
    list.appendChild(fragment);
    shownText = text;
    // After "More results" the count alone would read as before: it says how many are shown now.
    say(countText(hits.total, text, hits.atLeast) + (from >= 0 ? ' · ' + form.getAttribute('data-shown')
      .replace('{shown}', shown.length.toLocaleString(pageLang)) : ''));
    setOpen(true);
    if (from >= 0) {
      select(Math.min(from, list.children.length - 1));
    }
    form.dispatchEvent(new CustomEvent('diglot-search-results', { detail: { query: text, count: hits.total } }));
  }

  function clear() {
    generation += 1;
    list.textContent = '';
    say('');
    setOpen(false);
  }

  /* Searches the box's text for `count` results (FIRST for a new query); selects option `from` after. */
  function run(count, from) {
    var text = input.value.trim();
    var ticket = ++generation;
    wanted = count > FIRST ? count : FIRST;
    timer = null;
    lastRun = Date.now();
    if (!text) {
      clear();
      return;
    }
    // A new query's first search may wait for the scripts: say so. More results keep the list up.
    var waiting = count > FIRST ? null : setTimeout(function () { say(form.getAttribute('data-loading')); setOpen(true); }, 150);
    Promise.all(searchedLangs().map(loadLanguage)).then(function (entries) {
      return searchAll(entries, text, ticket, wanted);
    }).then(function (hits) {
      clearTimeout(waiting);
      if (ticket === generation) {
        render(hits, text, wanted, from === undefined ? -1 : from);
      }
    }, function () {
      clearTimeout(waiting);
      if (ticket === generation) {
        list.textContent = '';
        say(form.getAttribute('data-error'));
        setOpen(true);
      }
    });
  }

  /* Searches at once after a pause, at most every THROTTLE_MS while keys keep coming; one character
     only once typing pauses. */
  function schedule() {
    var short = input.value.trim().length === 1;
    if (timer && (short || timerWaitsForPause)) {
      clearTimeout(timer);
      timer = null;
    }
    if (timer) {
      return;
    }
    var wait = short ? SHORT_PAUSE_MS : Math.max(0, lastRun + THROTTLE_MS - Date.now());
    timerWaitsForPause = short;
    timer = setTimeout(function () { run(FIRST); }, wait);
  }

  function select(index) {
    var items = list.children;
    if (active >= 0 && items[active]) {
      items[active].setAttribute('aria-selected', 'false');
    }
    active = index;
    if (index < 0 || !items[index]) {
      active = -1;
      input.removeAttribute('aria-activedescendant');
      return;
    }
    items[index].setAttribute('aria-selected', 'true');
    items[index].scrollIntoView({ block: 'nearest' });
    input.setAttribute('aria-activedescendant', items[index].id);
  }

  function move(step) {
    var count = list.children.length;
    if (!count) {
      return;
    }
    if (panel.hidden) {
      setOpen(true);
    }
    select(active < 0 ? (step > 0 ? 0 : count - 1) : (active + step + count) % count);
  }

  /* Shows MORE more results of the query on screen, the first of them selected. */
  function showMore() {
    if (timer) {  // a newer query is about to run: More would show its results from the sixth on
      clearTimeout(timer);
      timer = null;
    }
    if (input.value.trim() !== shownText) {
      run(FIRST);
      return;
    }
    run(wanted + MORE, wanted);
  }

  function follow() {
    var item = list.children[active >= 0 ? active : 0];
    if (!item || panel.hidden) {
      return;
    }
    if (item.id === 'search-more') {
      showMore();
    } else {
      window.location.href = item.querySelector('a').href;
    }
  }

  function onKey(event) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      move(event.key === 'ArrowDown' ? 1 : -1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      follow();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      if (!panel.hidden) {
        setOpen(false);
      } else {
        input.value = '';
        clear();
      }
    }
  }

  function onFocus() {
    searchedLangs().forEach(function (lang) { loadLanguage(lang).catch(function () {}); });
    if (input.value.trim() && list.children.length) {
      setOpen(true);
    }
  }

  function onFocusOut(event) {
    if (!event.relatedTarget || !form.contains(event.relatedTarget)) {
      setOpen(false);
    }
  }

  form.hidden = false;
  input.addEventListener('focus', onFocus);
  input.addEventListener('input', schedule);
  input.addEventListener('keydown', onKey);
  form.addEventListener('focusout', onFocusOut);
  list.addEventListener('mousedown', function (event) {
    // Choosing "More results" with the mouse leaves the focus in the box, where the keys work.
    if (event.target.closest('.search-more')) {
      event.preventDefault();
    }
  });
  list.addEventListener('click', function (event) {
    if (event.target.closest('.search-more')) {
      showMore();
    }
  });
  form.addEventListener('submit', function (event) { event.preventDefault(); follow(); });
  if (otherBox) {
    otherBox.addEventListener('change', function () {
      if (input.value.trim()) {
        run(FIRST);
      }
    });
  }
  // diglot.js loads this file on the box's first focus: catch up with that focus and any early typing.
  if (document.activeElement === input) {
    onFocus();
  }
  if (input.value.trim()) {
    schedule();
  }
}());
