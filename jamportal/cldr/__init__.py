"""Names and formats from CLDR (through Babel), in each of the site's languages."""
