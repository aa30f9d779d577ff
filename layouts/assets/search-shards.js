/*
 * diglot sharded search: the browser half of diglot/search/shards.py.
 *
 * A language's search files are a manifest, term shards (a common term's holding only its
 * heaviest documents), rest shards (the rest of those) and metadata blocks. A query is
 * parsed by lunr's own parser, its terms run through the manifest's pipeline, and only the
 * shards holding them are fetched. From their postings (raw term frequencies and field
 * lengths) this computes lunr's BM25 weights with the very operations lunr's Builder uses,
 * numbers terms in the order the Builder met them, and searches a partial lunr.Index of the
 * query's terms with lunr's own Index.query: same documents, same order, same scores as the
 * whole index. Leading wildcards and fuzzy terms (~1) match only the terms of the shards the
 * query loads anyway (those sharing the typed word's first letters).
 *
 * A common term's shard entry holds only its head (its heaviest documents) and the Pareto
 * frontier of its rest's (frequency, length) per field (diglot/search/heads.py). Asked for a
 * first screen (query(store, build, wanted)), this searches the heads and proves the top
 * `wanted` exact, threshold-algorithm style: each shown document holds no query term in an
 * unloaded rest, and neither any other result nor any unseen document can reach the last shown
 * score (its known score plus, per rest it may be in, the heaviest frontier point's share of
 * lunr's score, computed at today's statistics). When that fails, or for +term, -term and a
 * full result list, the rests are fetched and the whole postings searched.
 *
 * Load after lunr.js and search-pipelines.js. Plain ES2017, no modules.
 */
(function (root) {
  'use strict';

  var STRIDE = 5;  // per posting: document gap, title frequency, body frequency, title length, body length
  // The manifest format this script reads (search/shards.py, SHARDED_FORMAT). A build warns when a
  // project's own copy of this file says another: files of another format would be misread.
  var FORMAT = 3;

  /* One language's search: its manifest, and its shards and blocks as they are fetched. */
  function open(lunr, fetchJson, base) {
    return fetchJson(base + 'manifest.json').then(function (manifest) {
      if (manifest.format !== FORMAT) {
        throw new Error(base + 'manifest.json is format ' + manifest.format + '; search-shards.js reads ' + FORMAT);
      }
      root.diglotSearchPipelines.register(lunr);
      return {
        lunr: lunr, fetchJson: fetchJson, base: base, manifest: manifest,
        keys: new Set(Object.keys(manifest.shards).concat(manifest.hollow || [])),
        restKeys: new Set(Object.keys(manifest.rests || {})),
        shards: {}, rests: {}, blocks: {}, terms: new Map(),
        pipeline: lunr.Pipeline.load(manifest.pipeline)
      };
    });
  }

  /* The longest key a term starts with. */
  function keyOf(keys, term) {
    for (var end = term.length; end >= 0; end--) {
      if (keys.has(term.slice(0, end))) {
        return term.slice(0, end);
      }
    }
    return '';
  }

  function shardOf(store, term) {
    return keyOf(store.keys, term);
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

  /* A file fetched once per store (a failed fetch is tried again next time). */
  function loadOnce(store, cache, path) {
    if (!cache[path]) {
      cache[path] = store.fetchJson(store.base + path);
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }

  /* A term shard; a hollow key (on the way to longer keys, holding no term) has no file to fetch. */
  function loadShard(store, key) {
    if (!Object.prototype.hasOwnProperty.call(store.manifest.shards, key)) {
      return Promise.resolve({});
    }
    return loadOnce(store, store.shards, 't/' + store.manifest.shards[key] + '.json');
  }

  /* Postings as rows [document, frequency per field..., length per field...], numbers absolute. */
  function rowsOf(flat, start) {
    var rows = [], doc = 0;
    for (var i = start; i < flat.length; i += STRIDE) {
      doc += flat[i];
      var row = [doc];
      for (var k = 1; k < STRIDE; k++) {
        row.push(flat[i + k]);
      }
      rows.push(row);
    }
    return rows;
  }

  /* A shard entry as a term: rank and first document (the Builder's numbering), fields holding it
     (its idf), rows, and for a split term without its rest, the rest's frontier. */
  function termOf(store, term, entry) {
    var known = store.terms.get(term);
    if (known && known.entry === entry) {
      return known;
    }
    var fields = store.manifest.fields.length, made;
    if (Array.isArray(entry)) {
      var rows = rowsOf(entry, 1), holders = 0;
      rows.forEach(function (row) {
        for (var f = 1; f <= fields; f++) { holders += row[f] > 0 ? 1 : 0; }
      });
      made = { entry: entry, rank: entry[0], first: rows[0][0], holders: holders, rows: rows, complete: true };
    } else {
      made = {
        entry: entry, rank: entry.r, first: entry.f, holders: entry.h, count: entry.n, rows: rowsOf(entry.p, 0),
        complete: false, frontier: entry.x, rest: keyOf(store.restKeys, term)
      };
      made.inHead = new Set(made.rows.map(function (row) { return row[0]; }));
    }
    store.terms.set(term, made);
    return made;
  }

  /* Split terms made whole: their rests fetched and merged with their heads. */
  function completeTerms(store, terms) {
    var split = Array.from(terms.keys()).filter(function (term) { return !terms.get(term).complete; });
    var files = Array.from(new Set(split.map(function (term) { return terms.get(term).rest; })));
    return Promise.all(files.map(function (key) {
      return loadOnce(store, store.rests, 'r/' + store.manifest.rests[key] + '.json');
    })).then(function (loaded) {
      split.forEach(function (term) {
        var head = terms.get(term), rest = loaded[files.indexOf(head.rest)][term];
        var whole = Object.assign({}, head, { complete: true, rows: head.rows.concat(rowsOf(rest, 0)) });
        whole.rows.sort(function (a, b) { return a[0] - b[0]; });
        store.terms.set(term, whole);
        terms.set(term, whole);
      });
      return terms;
    });
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

  /* The loaded terms the query can reach, as terms (termOf). */
  function reachable(store, needs, shards) {
    var found = new Map();
    shards.forEach(function (shard) {
      Object.keys(shard).forEach(function (term) {
        var wanted = needs.everyLoadedTerm || needs.terms.indexOf(term) >= 0 || needs.prefixes.some(function (p) {
          return term.slice(0, p.length) === p;
        });
        if (wanted) {
          found.set(term, termOf(store, term, shard[term]));
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
      return (x.first - y.first) || (x.rank - y.rank);
    });
  }

  /* A field's weight of a term, as the Builder weighs it (same operations, same floats). */
  function fieldWeight(m, termIdf, f, tf, length) {
    var norm = m.k1 * (1 - m.b + m.b * (length / m.averages[f]));
    return round3(termIdf * ((m.k1 + 1) * tf) / (norm + tf) * m.boosts[f]);
  }

  /* One term's postings: weights per field of every document holding it, as the Builder weighs them. */
  function addTerm(store, id, term, vectors) {
    var m = store.manifest, fields = m.fields, posting = { _index: id };
    var termIdf = idf(term.holders, m.count), f;
    fields.forEach(function (field) { posting[field] = {}; });
    var rows = term.rows.map(function (row) { return [row[0].toString(36), row]; });
    rows.sort(function (a, b) { return refOrder(a[0], b[0]); });
    rows.forEach(function (pair) {
      var row = pair[1];
      for (f = 0; f < fields.length; f++) {
        var tf = row[1 + f];
        if (tf > 0) {
          posting[fields[f]][pair[0]] = {};
          var key = fields[f] + '/' + pair[0];
          (vectors[key] = vectors[key] || []).push(id, fieldWeight(m, termIdf, f, tf, row[1 + fields.length + f]));
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

  /* Runs clauses on an index as lunr.Index.query does (on copies: lunr rewrites a clause's term). */
  function run(index, clauses) {
    return index.query(function (q) {
      q.clauses = clauses.map(function (clause) { return Object.assign({}, clause); });
    });
  }

  /* lunr's query vector per field (term number -> summed clause boosts) and its magnitude, as
     Index.query makes them: each clause's terms, expanded through the index's token set. */
  function queryVectors(store, index, clauses) {
    var lunr = store.lunr, vectors = {};
    index.fields.forEach(function (field) { vectors[field] = { weights: new Map(), magnitude: 0 }; });
    clauses.forEach(function (original) {
      if (original.presence === lunr.Query.presence.PROHIBITED) {
        return;  // adds nothing to the query vector
      }
      var clause = Object.assign({}, original);
      var terms = clause.usePipeline ? index.pipeline.runString(clause.term, { fields: clause.fields }) : [clause.term];
      terms.forEach(function (term) {
        clause.term = term;
        var expanded = index.tokenSet.intersect(lunr.TokenSet.fromClause(clause)).toArray();
        expanded.forEach(function (found) {
          var id = index.invertedIndex[found]._index;
          clause.fields.forEach(function (field) {
            var weights = vectors[field].weights;
            weights.set(id, (weights.get(id) || 0) + clause.boost);
          });
        });
      });
    });
    index.fields.forEach(function (field) {
      var sum = 0;
      vectors[field].weights.forEach(function (w) { sum += w * w; });
      vectors[field].magnitude = Math.sqrt(sum);
    });
    return vectors;
  }

  /* The most a document of a term's unloaded rest can add to its score: the heaviest frontier point. */
  function restBound(store, term, id, vectors) {
    var m = store.manifest, fields = m.fields, n = fields.length, termIdf = idf(term.holders, m.count), best = 0;
    for (var i = 0; i < term.frontier.length; i += 2 * n) {
      var share = 0;
      for (var f = 0; f < n; f++) {
        var tf = term.frontier[i + f], q = vectors[fields[f]].weights.get(id) || 0;
        if (tf > 0 && q > 0) {
          share += q * fieldWeight(m, termIdf, f, tf, term.frontier[i + n + f]) / vectors[fields[f]].magnitude;
        }
      }
      best = Math.max(best, share);
    }
    return best;
  }

  /* Whether some document of a term's rest holds it in field f. */
  function inRest(term, f, n) {
    for (var i = f; i < term.frontier.length; i += 2 * n) {
      if (term.frontier[i] > 0) {
        return true;
      }
    }
    return false;
  }

  /* Whether the first `wanted` results, searched on heads, are the whole index's (refs, order and
     scores): returns them, with how many results there are at least, or null. */
  function provedFirst(store, index, clauses, terms, results, wanted) {
    var vectors = queryVectors(store, index, clauses), open = [];
    terms.forEach(function (term, name) {
      var id = index.invertedIndex[name]._index;
      var searched = index.fields.filter(function (field) { return vectors[field].weights.has(id); });
      // A rest whose documents the query matches stays open, even with a bound of 0 (they would
      // be results scored 0); some rest document holds the term in a field when a frontier point does.
      if (!term.complete && searched.some(function (field) { return inRest(term, index.fields.indexOf(field), index.fields.length); })) {
        // A term searched in every field matches every document holding it.
        var matches = searched.length === index.fields.length ? term.count : 0;
        open.push({ term: term, bound: restBound(store, term, id, vectors), matches: matches });
      }
    });
    if (!open.length) {
      return results;
    }
    if (results.length < wanted) {
      return null;  // the rests hold more results
    }
    // Upper bounds are compared with a margin far above float rounding, below any real gap.
    var last = results[wanted - 1].score, limit = last - 1e-9 * Math.max(1, last), unseen = 0;
    open.forEach(function (o) { unseen += o.bound; });
    if (unseen >= limit) {
      return null;
    }
    for (var i = 0; i < results.length; i++) {
      var doc = parseInt(results[i].ref, 36), missing = 0;
      open.forEach(function (o) { missing += o.term.inHead.has(doc) ? 0 : o.bound; });
      if (missing > 0 && (i < wanted || results[i].score + missing >= limit)) {
        return null;
      }
    }
    var shown = results.slice(0, wanted);
    // At least every result found, and every document of a term searched in every field.
    shown.total = results.length;
    open.forEach(function (o) { shown.total = Math.max(shown.total, o.matches); });
    return shown;
  }

  /* Searches with lunr's Index.query: build(query) adds the clauses, as for lunr.Index.query. With
     `wanted`, only that many first results need be exact: heads alone answer when they prove it
     (the array then has a `total`, a lower bound of the result count). When they cannot, rests are
     fetched once pause() resolves (a search box waits for typing to stop: the prefixes of a word
     being typed rarely prove, and their rests would be fetched for nothing). */
  function query(store, build, wanted, pause) {
    var lunr = store.lunr;
    var probe = new lunr.Query(store.manifest.fields);
    // What lunr-languages' patched Index.query gives the parser: its wildcard normalizers
    // apply only to indexes whose pipeline holds their label (ours holds none).
    probe._lunrLanguagesSearchPipeline = store.pipeline;
    build(probe);
    var needs = plan(store, probe.clauses);
    var keys = Array.from(needs.shards);
    // Required and prohibited terms filter on every posting; so does a query of only prohibitions.
    var whole = !wanted || probe.isNegated() || probe.clauses.some(function (c) { return c.presence !== lunr.Query.presence.OPTIONAL; });
    return Promise.all(keys.map(function (key) { return loadShard(store, key); })).then(function (shards) {
      var terms = reachable(store, needs, shards);
      if (whole) {
        return completeTerms(store, terms).then(function () {
          return run(partialIndex(store, terms, probe.isNegated()), probe.clauses);
        });
      }
      var index = partialIndex(store, terms, false);
      var first = provedFirst(store, index, probe.clauses, terms, run(index, probe.clauses), wanted);
      return first || Promise.resolve(pause && pause()).then(function () {
        return completeTerms(store, terms);
      }).then(function () {
        return run(partialIndex(store, terms, false), probe.clauses);
      });
    });
  }

  /* Searches a query string as lunr.Index.search does (lunr's parser throws on bad syntax). */
  function search(store, text, wanted) {
    return query(store, function (q) { new store.lunr.QueryParser(text, q).parse(); }, wanted);
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
