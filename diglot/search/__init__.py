"""Search: per-language lunr indexes built in Python that lunr.js loads in the browser, with pipelines (trimming, elisions, stop words, folding, stemming) that match the browser's."""
