"""CLDR data (through Babel) for every language the portal speaks: names, formats, digits."""
