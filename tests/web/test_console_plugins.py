"""A plugin's console pages appear when it is installed and disappear when it is uninstalled, on a
running server, in a real browser."""

from __future__ import annotations

import httpx

from tenon.core.installer import install, uninstall

from .conftest import ADMIN, ADMIN_PASSWORD, serve, sign_in, stop


def nav(page) -> list[str]:
    return page.eval_on_selector_all("[data-testid=nav] a", "as => as.map(a => a.dataset.path)")


def test_the_pages_of_an_uninstalled_plugin_are_gone(new_site, open_context):
    app = new_site()
    proc, base, log = serve(app.site.path)
    try:
        page = open_context().new_page()
        sign_in(page, base, ADMIN, ADMIN_PASSWORD)
        assert {"mrp/capacity", "mrp/terminal", "mrp/exceptions"} <= set(nav(page))
        assert httpx.get(f"{base}/console/plugins/mrp/capacity.js").status_code == 200

        uninstall(app, "rework")  # rework depends on mrp: `tenon plugins uninstall` refuses mrp before it
        uninstall(app, "mrp")  # what `tenon plugins uninstall mrp --yes` does, from another process
        page.goto(f"{base}/#/mrp/capacity")
        page.wait_for_selector("[data-testid=gone]", timeout=20000)  # the nav refreshes on navigation
        assert not [p for p in nav(page) if p.startswith("mrp/")]
        assert {"orders/progress", "stock/levels"} <= set(nav(page))
        assert httpx.get(f"{base}/console/plugins/mrp/capacity.js").status_code == 404

        install(app, ["mrp"])
        page.reload()
        page.wait_for_selector("[data-testid=nav] a[data-path='mrp/capacity']", timeout=20000)
        page.wait_for_selector("[data-testid=live]")
    finally:
        stop(proc, log)
