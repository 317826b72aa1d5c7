"""`hoso events …`: the S3 event receiver, in the foreground.

`hoso up` runs the same command as one part of the local stack; production
runs it beside MinIO (see the README, "Event-driven intake").
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from core.settings import get_settings

app = typer.Typer(help="Nhận thông báo sự kiện của kho S3 (webhook MinIO) để xử lý hồ sơ ngay khi trạm quét nộp.", no_args_is_help=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="địa chỉ lắng nghe; ngoài 127.0.0.1 thì đặt một proxy TLS phía trước")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="cổng (mặc định HOSO_EVENTS_PORT, nếu không có thì HOSO_PREFECT_PORT + 80)")] = None,
) -> None:
    """Nhận thông báo của MinIO tại POST /minio/events và chuyển thành sự kiện Prefect."""
    import uvicorn

    from hoso.events import create_app

    settings = get_settings()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("hoso.events")
    log.setLevel(logging.INFO)  # one line per dossier announced; other libraries only when something is wrong
    if settings.events_token is None or not settings.events_token.get_secret_value():
        log.warning("HOSO_EVENTS_TOKEN chưa đặt: mọi yêu cầu đều được nhận, không kiểm tra mã xác thực.")
    uvicorn.run(create_app(settings), host=host, port=port or settings.receiver_port, log_level="info")
