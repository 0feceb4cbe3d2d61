"""Running one part in this process: its settings from the environment, its migrations,
then uvicorn. The same command serves a part in a container and as a child of `up`.
"""

import uvicorn

from services.registry import Part
from shared.db import migrate

# Long enough for in-flight requests; short enough that `up` never waits on a stuck part.
GRACEFUL_SHUTDOWN_SECONDS = 5


def serve(part: Part, *, host: str, port: int, migrate_first: bool) -> None:
    settings = part.settings_class()()
    if migrate_first:
        migrate(part.migrations, settings.database_url)
    uvicorn.run(
        part.create_app(settings),
        host=host,
        port=port,
        # No logging setup of uvicorn's own: its lines go through the suite's JSON logging,
        # which the app's lifespan installs.
        log_config=None,
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
