"""The Litestar application: routes, the `actor` dependency, problem responses, lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components

from ordi.auth import current as current_sessions
from ordi.auth.controllers import AuthController
from ordi.auth.dependencies import provide_actor
from ordi.beneficiaries.controllers import PrivacyController, WarrantyContactController
from ordi.certificates.controllers import ROUTES as CERTIFICATE_ROUTES
from ordi.certificates.service import check_signing_key
from ordi.config import get_settings
from ordi.db import close_pool, start_pool
from ordi.devices.controllers import DeviceController
from ordi.donations.controllers import DonationController
from ordi.donations.report_controllers import ROUTES as DONATION_REPORT_ROUTES
from ordi.health import health
from ordi.http.guard import refuse_nul
from ordi.http.openapi import SECURITY_SCHEMES, StrictStructSchemaPlugin
from ordi.http.params import provide_lang, provide_paging
from ordi.http.problems import EXCEPTION_HANDLERS
from ordi.jobs import dispatch, outbox
from ordi.jobs.controllers import get_job, get_job_result
from ordi.notifications.controllers import NotificationController
from ordi.organisations.controllers import OrganisationController, UserController, directory
from ordi.periodic import service as periodic
from ordi.pickups.controllers import PickupController
from ordi.printing.controllers import ROUTES as LABEL_ROUTES
from ordi.requests.controllers import RequestController
from ordi.scan.controllers import scan
from ordi.station.controllers import ROUTES as STATION_ROUTES
from ordi.stats.bilan_controllers import bilan_pdf
from ordi.stats.controllers import ROUTES as STATS_ROUTES
from ordi.stats.pages import ROUTES as COMITE_ROUTES
from ordi.web.rendering import unrouted_handler
from ordi.web.routes import openapi_viewer
from ordi.web.routes import routes as web_routes
from ordi.web.templating import template_config
from ordi.wiring import embedded_worker, wire

log = logging.getLogger("ordi")


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    settings = get_settings()
    settings.check()
    check_signing_key()
    wire()
    # This loop's pool; an in-process worker's threads each start their own (workers.runtime).
    await start_pool()
    worker = None
    if settings.embedded_worker:
        if not settings.redis_url:
            await outbox.forget_sent_in_memory()  # the in-memory broker of a former process is gone
        worker = embedded_worker()
        worker.start()
    # The jobs' outbox and lease sweeper (ordi.jobs.outbox): every API process runs one.
    sweeper = asyncio.create_task(outbox.run_forever(), name="ordi-job-sweeper")
    # The sessions' changes heard from PostgreSQL, so that a token is checked without a read.
    listener = asyncio.create_task(current_sessions.listen(), name="ordi-sessions-listener")
    # The embedded worker's periodic tasks (purges, notifications' outbox); worker processes run theirs.
    run_scheduled = worker is not None and settings.schedule_enabled
    scheduled = [asyncio.create_task(periodic.run_forever(), name="ordi-periodic")] if run_scheduled else []
    try:
        yield
    finally:
        for task in [sweeper, listener, *scheduled]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await dispatch.settle()
        if worker is not None:
            worker.stop()  # its threads finish their job and close their loops' pools
        await close_pool()


def create_app() -> Litestar:
    return Litestar(
        route_handlers=[
            health,
            AuthController,
            OrganisationController,
            UserController,
            directory,
            DonationController,
            PickupController,
            DeviceController,
            scan,
            RequestController,
            *STATS_ROUTES,
            bilan_pdf,
            get_job,
            get_job_result,
            *LABEL_ROUTES,
            *STATION_ROUTES,
            *CERTIFICATE_ROUTES,
            *DONATION_REPORT_ROUTES,
            NotificationController,
            WarrantyContactController,
            PrivacyController,
            *COMITE_ROUTES,
            *web_routes(),
        ],
        dependencies={
            "actor": Provide(provide_actor),
            "lang": Provide(provide_lang),
            "paging": Provide(provide_paging),
        },
        # A path nobody serves answers a browser with the web application's 404 page.
        exception_handlers={**EXCEPTION_HANDLERS, NotFoundException: unrouted_handler},
        middleware=[refuse_nul],
        plugins=[StrictStructSchemaPlugin()],
        lifespan=[lifespan],
        template_config=template_config(),
        openapi_config=OpenAPIConfig(
            title="Ordi 2.0 — logistique",
            version="1.0.0",
            path="/schema",
            render_plugins=[openapi_viewer()],
            description="Dons, collecte, effacement certifié, reconditionnement, redistribution. Les erreurs sont "
            "des problèmes RFC 9457 (`application/problem+json`, `detail` en français ; en anglais avec "
            "`Accept-Language: en`).",
            components=Components(security_schemes=SECURITY_SCHEMES),
        ),
    )


app = create_app()
