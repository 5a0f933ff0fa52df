"""The web console at ``/`` and the offline GraphiQL at ``/graphql``: static files served by Tenon.

The console shell (``static/console.js``: sign-in, navigation, language, GraphQL client) is a
client of ``/graphql`` like any other; it knows no plugin. Plugins contribute pages through the
kernel hook ``tenon_web_pages`` (:class:`tenon.core.contributions.WebPage`): the shell lists the
pages of the installed plugins the user may see (the kernel field ``consolePages``) and imports
each page's ES module from ``/console/plugins/<plugin>/<file>``. Pages import the page kit
``/console/static/kit.js`` (preact + htm, Chart.js, the GraphQL client, i18n, scanner input).

Third-party libraries live in ``static/vendor/``, copied from the npm registry by
``tools/vendor_web.py`` (``tools/web/package-lock.json`` pins them; ``vendor/MANIFEST.json`` holds
each file's package, version and SHA-256, checked by ``tests/web/test_assets.py``). Nothing is
loaded from a CDN and nothing is built at install time.
"""
