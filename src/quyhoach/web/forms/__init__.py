"""The forms of the web pages: their field names (slugs) in one place per feature, read by
the handler, passed to the templates, used by the tests, with the parsing of the posted
values into what the services take."""
