// ESLint for our browser scripts (static/), run by `make check` and `make test` like ruff for Python.
import js from "@eslint/js";
import globals from "globals";

export default [
  // What is not ours: installed packages, collected static files, test output.
  { ignores: [".venv/", "node_modules/", "staticfiles/", "test-artifacts/", "var/", ".tmp/"] },
  js.configs.recommended,
  {
    // Plain scripts (no modules, no build step), each wrapped in a strict-mode function.
    files: ["static/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: {
        ...globals.browser,
        L: "readonly", // Leaflet, loaded by django-leaflet before our map scripts
        // Django's JavaScript catalogue (/<language>/jsi18n/), loaded by base.html
        gettext: "readonly",
        ngettext: "readonly",
        pgettext: "readonly", // Boomerang: words with a context ("Play" an animated photo)
        interpolate: "readonly",
      },
    },
    rules: {
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: "error",
      strict: ["error", "function"],
    },
  },
  {
    files: ["eslint.config.mjs"],
    languageOptions: { globals: globals.node },
  },
];
