"""The dev server: serve site/, watch the project, rebuild once per burst of saves, reload the pages."""
