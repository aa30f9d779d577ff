"""The site model: articles and their language versions, paragraphs aligned into numbered segments, bodies rendered to typeset HTML blocks, localized dates. Pure."""
