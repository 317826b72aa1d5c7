"""`hoso portal …`: the residents' portal, in the foreground.

`hoso up` runs the same command as the part ``portal`` of the local stack; production
runs it behind a TLS reverse proxy (HOSO_PORTAL_HOST=0.0.0.0, HOSO_PORTAL_PUBLIC_URL).
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from core.settings import get_settings

app = typer.Typer(help="Cổng dịch vụ công cho người dân: nộp hồ sơ, biên nhận, tra cứu, bổ sung giấy tờ.", no_args_is_help=True)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="địa chỉ lắng nghe (mặc định HOSO_PORTAL_HOST, 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="cổng (mặc định HOSO_PORTAL_PORT, nếu không có thì HOSO_PREFECT_PORT + 90)")] = None,
) -> None:
    """Phục vụ cổng dịch vụ công cho người dân."""
    from portal.server import serve as run

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run(get_settings(), host, port)
