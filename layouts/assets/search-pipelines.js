/*
 * diglot search pipelines: the browser half of diglot/search.py.
 *
 * The indexes are built in Python; lunr.js refuses to load one whose pipeline
 * labels are not registered, and a query finds nothing unless each word is
 * reduced to the very term Python stored. So every function here mirrors one
 * in diglot/search.py, under the same label, and the parity tests compare them.
 *
 * Load after lunr.js; French needs lunr.stemmer.support.js and lunr.fr.js loaded before register().
 * Usage: diglotSearchPipelines.loadIndex(lunr, serializedIndex).
 */
(function (root) {
  'use strict';

  // Characters trimmed from both ends of a word. Written out, not derived from
  // Unicode properties, so that Python and every browser trim alike.
  var NON_WORD = '\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\xa9\\xab-\\xb1\\xb4\\xb6-\\xb8' +
    '\\xbb\\xbf\\xd7\\xf7\\u02b9-\\u02bf\\u2000-\\u206f\\u20a0-\\u20cf\\u2190-\\u2bff' +
    '\\u3000-\\u303f\\ufe10-\\ufe6f\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65';
  var LEADING = new RegExp('^[' + NON_WORD + ']+');
  var TRAILING = new RegExp('[' + NON_WORD + ']+$');
  var CURLY_APOSTROPHE = /\u2019/g;
  var ELISION = /^(?:jusqu|lorsqu|puisqu|quoiqu|qu|[cdjlmnst])'/;
  var POSSESSIVE = /'s$/;
  var LATIN = /[\u00c0-\u024f]/g;
  var COMBINING_MARK = /[\u0300-\u036f]/g;
  // Snowball 3 (Python) marks these in a way lunr.fr's older Snowball does
  // not; folded first, both stem every tested word alike.
  var DIAERESIS = /[\u00eb\u00ef\u00fc\u00ff]/g;
  var DIAERESIS_FOLDS = { '\u00eb': 'e', '\u00ef': 'i', '\u00fc': 'u', '\u00ff': 'y' };
  // Letters that Unicode does not decompose into a base letter and a mark.
  var SPECIAL_FOLDS = {
    '\u00df': 'ss', '\u00e6': 'ae', '\u00f0': 'd', '\u00f8': 'o', '\u00fe': 'th',
    '\u0111': 'd', '\u0127': 'h', '\u0131': 'i', '\u0142': 'l', '\u0153': 'oe', '\u0167': 't'
  };

  var LABELS = {
    en: ['diglot-trimmer', 'diglot-possessive-en', 'diglot-stopwords-en', 'diglot-fold', 'diglot-stemmer-en'],
    fr: ['diglot-trimmer', 'diglot-elision-fr', 'diglot-stopwords-fr', 'diglot-stemmer-fr']
  };
  // Stop words only shape the index: a query made of them should still parse.
  var INDEX_ONLY = { 'diglot-stopwords-en': true, 'diglot-stopwords-fr': true };

  function trimTerm(term) {
    return term.replace(LEADING, '').replace(TRAILING, '');
  }

  function stripPossessive(term) {
    return term.replace(CURLY_APOSTROPHE, "'").replace(POSSESSIVE, '');
  }

  function stripElisions(term) {
    var previous;
    term = term.replace(CURLY_APOSTROPHE, "'");
    do {
      previous = term;
      term = term.replace(ELISION, '');
    } while (term !== previous);
    return term;
  }

  function foldLetter(letter) {
    return SPECIAL_FOLDS[letter] || letter.normalize('NFD').replace(COMBINING_MARK, '');
  }

  function foldTerm(term) {
    return term.replace(LATIN, foldLetter).replace(COMBINING_MARK, '');
  }

  function stemFrench(lunr, word) {
    return lunr.fr.stemmer(new lunr.Token(word, {})).toString();
  }

  // Stemming the folded word alone loses -é/-ée/-ées (recrutées != recruter);
  // stemming the accented word alone loses queries typed without accents.
  function frenchStemsBothWays(lunr) {
    return function (term) {
      var asWritten = foldTerm(stemFrench(lunr, term.replace(DIAERESIS, function (c) {
        return DIAERESIS_FOLDS[c];
      })));
      var unaccented = stemFrench(lunr, foldTerm(term));
      return unaccented === asWritten ? [asWritten] : [asWritten, unaccented];
    };
  }

  // Wraps a transform as a pipeline function; emptied words drop, lists expand.
  function termFunction(transform) {
    return function (token) {
      var terms = transform(token.toString());
      if (typeof terms === 'string') {
        terms = terms ? [terms] : [];
      }
      if (!terms.length) {
        return undefined;
      }
      var first = terms[0];
      return [token.update(function () { return first; })].concat(terms.slice(1).map(function (term) {
        return token.clone(function () { return term; });
      }));
    };
  }

  // Wraps a lunr or lunr-languages function under a diglot label, leaving the
  // original's own label alone.
  function delegate(fn) {
    return function (token, i, tokens) {
      return fn(token, i, tokens);
    };
  }

  function pipelineFunctions(lunr) {
    var fns = {
      'diglot-trimmer': termFunction(trimTerm),
      'diglot-possessive-en': termFunction(stripPossessive),
      'diglot-elision-fr': termFunction(stripElisions),
      'diglot-fold': termFunction(foldTerm),
      'diglot-stopwords-en': delegate(lunr.stopWordFilter),
      'diglot-stemmer-en': delegate(lunr.stemmer)
    };
    if (lunr.fr) {
      fns['diglot-stopwords-fr'] = delegate(lunr.fr.stopWordFilter);
      fns['diglot-stemmer-fr'] = termFunction(frenchStemsBothWays(lunr));
    }
    return fns;
  }

  /* Registers the functions not yet registered: French ones once lunr.fr has loaded (a page
     searching English only never loads it). */
  function register(lunr) {
    var fns = pipelineFunctions(lunr);
    Object.keys(fns).sort().forEach(function (label) {
      if (!(label in lunr.Pipeline.registeredFunctions)) {
        lunr.Pipeline.registerFunction(fns[label], label);
      }
    });
  }

  function labelsFor(lang, forQuery) {
    if (!LABELS[lang]) {
      throw new Error('diglot search: no pipeline for language "' + lang + '"');
    }
    return LABELS[lang].filter(function (label) {
      return !(forQuery && INDEX_ONLY[label]);
    });
  }

  function pipeline(lunr, lang, forQuery) {
    register(lunr);
    return lunr.Pipeline.load(labelsFor(lang, forQuery));
  }

  function configure(builder, lang, lunr) {
    lunr = lunr || root.lunr;
    builder.pipeline = pipeline(lunr, lang, false);
    builder.searchPipeline = pipeline(lunr, lang, true);
  }

  function terms(lunr, lang, text) {
    return pipeline(lunr, lang, false).run(lunr.tokenizer(text)).map(String);
  }

  // A word as the index spells it before stemming, for prefix (term*) clauses:
  // lunr skips the pipeline for wildcard terms, so "Sécu" must become "secu" here.
  function prefixTerm(lang, word) {
    var term = trimTerm(word.toLowerCase());
    term = lang === 'fr' ? stripElisions(term) : stripPossessive(term);
    return foldTerm(term);
  }

  // A wildcard term the reader typed ("Sécu*", "l'espion*"), folded like the index.
  function foldWildcard(lang, term) {
    term = term.toLowerCase();
    return foldTerm(lang === 'fr' ? stripElisions(term) : term);
  }

  function loadIndex(lunr, serialized) {
    register(lunr);
    var data = typeof serialized === 'string' ? JSON.parse(serialized) : serialized;
    return lunr.Index.load(data);
  }

  root.diglotSearchPipelines = {
    labels: LABELS,
    register: register,
    configure: configure,
    pipeline: pipeline,
    terms: terms,
    prefixTerm: prefixTerm,
    foldWildcard: foldWildcard,
    loadIndex: loadIndex
  };
}(typeof window !== 'undefined' ? window : this));
