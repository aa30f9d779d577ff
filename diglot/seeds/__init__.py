"""Seeds in: one plain-text seed file becomes a Draft (decoded, header lines, paragraphs, language), and drafts are paired across languages by content. Pure: the build layer reads the files."""
