/*
 * diglot sharded search: the browser half of diglot/search/shards.py.
 *
 * A language's search files are a manifest, term shards and metadata blocks. A query is
 * parsed by lunr's own parser, its terms run through the manifest's pipeline, and only the
 * shards holding them are fetched. From their postings (raw term frequencies and field
 * lengths) this computes lunr's BM25 weights with the very operations lunr's Builder uses,
 * numbers terms in the order the Builder met them, and searches a partial lunr.Index of the
 * query's terms with lunr's own Index.query: same documents, same order, same scores as the
 * whole index. Leading wildcards and fuzzy terms (~1) match only the terms of the shards the
 * query loads anyway (those sharing the typed word's first letters).
 *
 * Load after lunr.js and search-pipelines.js. Plain ES2017, no modules.
 */
(function (root) {
  'use strict';

  var STRIDE = 5;  // per posting: document gap, title frequency, body frequency, title length, body length

  /* One language's search: its manifest, and its shards and blocks as they are fetched. */
  function open(lunr, fetchJson, base) {
    return fetchJson(base + 'manifest.json').then(function (manifest) {
      root.diglotSearchPipelines.register(lunr);
      return {
        lunr: lunr, fetchJson: fetchJson, base: base, manifest: manifest,
        keys: new Set(Object.keys(manifest.shards)), shards: {}, blocks: {},
        pipeline: lunr.Pipeline.load(manifest.pipeline)
      };
    });
  }

  function shardOf(store, term) {
    for (var end = term.length; end >= 0; end--) {
      if (store.keys.has(term.slice(0, end))) {
        return term.slice(0, end);
      }
    }
    return '';
  }

  /* Every shard that may hold a term starting with prefix. */
  function shardsOfPrefix(store, prefix) {
    var found = [shardOf(store, prefix)];
    store.keys.forEach(function (key) {
      if (key.length > prefix.length && key.slice(0, prefix.length) === prefix) {
        found.push(key);
      }
    });
    return found;
  }

  function loadShard(store, key) {
    if (!store.shards[key]) {
      store.shards[key] = store.fetchJson(store.base + 't/' + store.manifest.shards[key] + '.json');
      store.shards[key].catch(function () { delete store.shards[key]; });
    }
    return store.shards[key];
  }

  /* What a query needs: exact terms, trailing-wildcard prefixes, and shards to fetch. */
  function plan(store, clauses) {
    var needs = { terms: [], prefixes: [], everyLoadedTerm: false, shards: new Set() };
    clauses.forEach(function (clause) {
      var terms = clause.usePipeline ? store.pipeline.runString(clause.term, { fields: clause.fields }) : [clause.term];
      terms.forEach(function (term) {
        var star = term.indexOf('*');
        if (star < 0) {
          needs.terms.push(term);
          needs.shards.add(shardOf(store, term));
          needs.everyLoadedTerm = needs.everyLoadedTerm || clause.editDistance > 0;
        } else if (star > 0) {
          needs.prefixes.push(term.slice(0, star));
          shardsOfPrefix(store, term.slice(0, star)).forEach(function (key) { needs.shards.add(key); });
        } else {
          needs.everyLoadedTerm = true;  // a leading wildcard: no shard can be chosen by it
        }
      });
    });
    return needs;
  }

  /* The loaded terms the query can reach, with their entries. */
  function reachable(needs, shards) {
    var found = new Map();
    shards.forEach(function (shard) {
      Object.keys(shard).forEach(function (term) {
        var wanted = needs.everyLoadedTerm || needs.terms.indexOf(term) >= 0 || needs.prefixes.some(function (p) {
          return term.slice(0, p.length) === p;
        });
        if (wanted) {
          found.set(term, shard[term]);
        }
      });
    });
    return found;
  }

  /* lunr's inverse document frequency, as its Builder computes it. */
  function idf(holders, count) {
    var x = (count - holders + 0.5) / (holders + 0.5);
    return Math.log(1 + Math.abs(x));
  }

  /* A score rounded to 3 decimals as Python's round(score, 3) does (the builder of the whole
     index): half to even, on the exact decimal value of the double. */
  function round3(score) {
    var scaled = score * 1000;
    var milli = Math.round(scaled);
    if (Math.abs(scaled - milli) < 0.499999) {
      return milli / 1000;
    }
    var exact = score.toFixed(100);
    var point = exact.indexOf('.');
    var kept = exact.slice(0, point + 4);
    var rest = exact.slice(point + 4).replace(/0+$/, '');
    var up = rest > '5' || (rest === '5' && Number(kept.slice(-1)) % 2 === 1);
    milli = Number(kept.replace('.', '')) + (up ? 1 : 0);
    return milli / 1000;
  }

  /* Refs in the order JavaScript iterates object keys, which lunr ranks ties by. */
  function refOrder(a, b) {
    var intA = /^(0|[1-9][0-9]*)$/.test(a), intB = /^(0|[1-9][0-9]*)$/.test(b);
    if (intA !== intB) {
      return intA ? -1 : 1;
    }
    if (intA) {
      return Number(a) - Number(b);
    }
    return a < b ? -1 : (a > b ? 1 : 0);
  }

  /* Terms numbered as lunr's Builder numbered them: by first document, then rank within it. */
  function builderOrder(terms) {
    return Array.from(terms.keys()).sort(function (a, b) {
      var x = terms.get(a), y = terms.get(b);
      return (x[1] - y[1]) || (x[0] - y[0]);
    });
  }

  /* One term's postings: weights per field of every document holding it, as the Builder weighs them. */
  function addTerm(store, id, entry, vectors) {
    var m = store.manifest, fields = m.fields, count = m.count, posting = { _index: id };
    var holders = 0, doc = 0, i, f, rows = [];
    fields.forEach(function (field) { posting[field] = {}; });
    for (i = 1; i < entry.length; i += STRIDE) {
      doc += entry[i];
      rows.push([doc.toString(36), i]);
      for (f = 0; f < fields.length; f++) {
        holders += entry[i + 1 + f] > 0 ? 1 : 0;
      }
    }
    var termIdf = idf(holders, count);
    rows.sort(function (a, b) { return refOrder(a[0], b[0]); });
    rows.forEach(function (row) {
      for (f = 0; f < fields.length; f++) {
        var tf = entry[row[1] + 1 + f];
        if (tf > 0) {
          var length = entry[row[1] + 1 + fields.length + f];
          var norm = m.k1 * (1 - m.b + m.b * (length / m.averages[f]));
          var score = termIdf * ((m.k1 + 1) * tf) / (norm + tf) * m.boosts[f];
          posting[fields[f]][row[0]] = {};
          var key = fields[f] + '/' + row[0];
          (vectors[key] = vectors[key] || []).push(id, round3(score));
        }
      }
    });
    return posting;
  }

  /* Every document's field refs, in index order: a query of only prohibited terms lists them all. */
  function allFieldVectors(store, vectors) {
    var all = {};
    for (var doc = 0; doc < store.manifest.count; doc++) {
      store.manifest.fields.forEach(function (field) {
        var key = field + '/' + doc.toString(36);
        all[key] = vectors[key] || [];
      });
    }
    return all;
  }

  /* A lunr.Index holding only the given terms, weighed and numbered as in the whole index. */
  function partialIndex(store, terms, negated) {
    var lunr = store.lunr, invertedIndex = {}, vectors = {};
    var ordered = builderOrder(terms);
    ordered.forEach(function (term, id) {
      invertedIndex[term] = addTerm(store, id, terms.get(term), vectors);
    });
    if (negated) {
      vectors = allFieldVectors(store, vectors);
    }
    var fieldVectors = {};
    Object.keys(vectors).forEach(function (key) { fieldVectors[key] = new lunr.Vector(vectors[key]); });
    return new lunr.Index({
      invertedIndex: invertedIndex, fieldVectors: fieldVectors, fields: store.manifest.fields,
      tokenSet: lunr.TokenSet.fromArray(ordered.slice().sort()), pipeline: store.pipeline
    });
  }

  /* Searches with lunr's Index.query: build(query) adds the clauses, as for lunr.Index.query. */
  function query(store, build) {
    var lunr = store.lunr;
    var probe = new lunr.Query(store.manifest.fields);
    // What lunr-languages' patched Index.query gives the parser: its wildcard normalizers
    // apply only to indexes whose pipeline holds their label (ours holds none).
    probe._lunrLanguagesSearchPipeline = store.pipeline;
    build(probe);
    var needs = plan(store, probe.clauses);
    var keys = Array.from(needs.shards);
    return Promise.all(keys.map(function (key) { return loadShard(store, key); })).then(function (shards) {
      var index = partialIndex(store, reachable(needs, shards), probe.isNegated());
      return index.query(function (q) { q.clauses = probe.clauses; });
    });
  }

  /* Searches a query string as lunr.Index.search does (lunr's parser throws on bad syntax). */
  function search(store, text) {
    return query(store, function (q) { new store.lunr.QueryParser(text, q).parse(); });
  }

  /* What results show of some documents (URL, title, date, snippet), by ref. */
  function documents(store, refs) {
    var size = store.manifest.block;
    var numbers = refs.map(function (ref) { return parseInt(ref, 36); });
    var blocks = Array.from(new Set(numbers.map(function (n) { return Math.floor(n / size); })));
    return Promise.all(blocks.map(function (block) {
      if (!store.blocks[block]) {
        store.blocks[block] = store.fetchJson(store.base + 'm/' + block + '.json');
        store.blocks[block].catch(function () { delete store.blocks[block]; });
      }
      return store.blocks[block];
    })).then(function () {
      return Promise.all(numbers.map(function (n) { return store.blocks[Math.floor(n / size)]; }));
    }).then(function (loaded) {
      var found = {};
      refs.forEach(function (ref, i) { found[ref] = loaded[i][numbers[i] % size]; });
      return found;
    });
  }

  root.diglotSearchShards = { open: open, query: query, search: search, documents: documents, round3: round3 };
}(typeof window !== 'undefined' ? window : this));
