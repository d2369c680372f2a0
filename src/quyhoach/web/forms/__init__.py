"""Form models: field names (slugs) and validation, shared by handlers, templates and tests."""
