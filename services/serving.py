"""Running one part in this process: its settings from the environment, its migrations
(or, with migrations run elsewhere, a wait until its database has them), then uvicorn. The
same command serves a part in a container and as a child of `up`.
"""

import logging
import os

import uvicorn

from services.environment import env_names
from services.registry import Part
from shared.db import SchemaNotReady, migrate, wait_for_schema
from shared.logs import configure_logging

# Long enough for in-flight requests; short enough that `up` never waits on a stuck part.
GRACEFUL_SHUTDOWN_SECONDS = 5

logger = logging.getLogger("nirm.serve")


def migrate_part(part: Part) -> None:
    """Bring the part's database, named by its environment, to the latest schema: what a
    migration job runs. Replicas starting at once take turns (`shared.db.migrate`).

    It reads only the database's URL, so a migration job is given no other secret.
    """
    settings_class = part.settings_class()
    url = os.environ.get(
        env_names(settings_class)["database_url"],
        settings_class.model_fields["database_url"].default,
    )
    configure_logging()
    migrate(part.migrations, url)


def serve(part: Part, *, host: str, port: int, migrate_first: bool) -> int:
    """Serve until stopped; the exit status (1: the schema never came)."""
    settings = part.settings_class()()
    configure_logging(settings.log_level)
    if migrate_first:
        migrate(part.migrations, settings.database_url)
    else:
        try:
            wait_for_schema(part.migrations, settings.database_url)
        except SchemaNotReady as failure:
            logger.error("%s does not start: %s", part.name, failure)
            return 1
    uvicorn.run(
        part.create_app(settings),
        host=host,
        port=port,
        # No logging setup of uvicorn's own: its lines go through the suite's JSON logging.
        log_config=None,
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    return 0
