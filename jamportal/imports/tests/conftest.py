from jamportal.imports.tests.calendar_server import calendar_server  # noqa: F401 (a fixture)
