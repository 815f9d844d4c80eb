"""axe-core on the main pages, in the light and the dark colour scheme."""

from pprint import pformat

import pytest

from logbook import demo
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/log/episode/", "/load/", "/flags/", "/patterns/"]
BLOCKING = {"serious", "critical"}

RUN_AXE = """axe.run(document).then((results) => results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.slice(0, 8).map((node) => node.target.join(" ")),
    summary: violation.nodes.length ? violation.nodes[0].failureSummary : "",
})))"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility(scheme, new_context, live_server, demo_user, axe_script):
    # axe is injected as a script: only this context ignores the site's CSP.
    context = new_context(color_scheme=scheme, bypass_csp=True, service_workers="block")
    page = context.new_page()
    log_in(page, demo.USERNAME, demo.PASSWORD)

    blocking = {}
    for path in PAGES:
        page.goto(path)
        assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
        page.add_script_tag(path=axe_script)
        violations = page.evaluate(RUN_AXE)
        found = [violation for violation in violations if violation["impact"] in BLOCKING]
        if found:
            blocking[path] = found
    assert blocking == {}, f"serious or critical axe violations ({scheme}):\n{pformat(blocking)}"
