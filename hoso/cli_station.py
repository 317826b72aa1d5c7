"""`hoso station add NAME`: a scan station's own S3 key, which can only put into its inbox folder.

The key is made once and kept under ``HOSO_HOME/secrets/stations/NAME.json`` (mode
0600); the command prints that file for the station's machine, where it becomes the
station's ``HOSO_CREDENTIALS_FILE``. On the local stack the embedded S3 server is
restarted to take the new identity in (`weed mini` reads its identities when it
starts); on MinIO the printed `mc admin` lines create the user and attach the policy.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from core.settings import Settings, get_settings

app = typer.Typer(help="Trạm quét: mỗi trạm một khoá S3 chỉ được nộp vào thư mục của mình trong hộp thư đến.", no_args_is_help=True)
errors = Console(stderr=True, soft_wrap=True)


def ensure_station(settings: Settings, name: str) -> Path:
    """The station's credentials file, made when missing and loaded into the S3 server: on the embedded one
    by rewriting its identities and restarting it when it runs, on MinIO by the printed `mc admin` lines."""
    from hoso import identities, stack
    from storage.access import policy_name

    path, created = identities.add_station(settings, name)
    if stack.embedded_s3(settings):
        identities.write_weed_config(settings, identities.ensure_stack_secrets(settings))
        if created and stack.running_pid(settings, "s3"):
            stack.restart_s3(settings)
            errors.print(f"Đã khởi động lại máy chủ S3 để nạp khoá của trạm «{name}».")
    elif created:
        errors.print("Trên MinIO, tạo người dùng và gắn chính sách (storage/policies/station.json):")
        errors.print(f"  mc admin user add ALIAS {name} \"$(jq -r .s3_secret_key {path})\"")
        errors.print(f"  mc admin policy attach ALIAS {policy_name('station')} --user {name}")
    return path


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="tên trạm (thư mục của trạm trong hộp thư đến), ví dụ quay-2")],
) -> None:
    """Tạo khoá S3 cho trạm quét (nếu chưa có) và in tệp thông tin đăng nhập của trạm."""
    from hoso.submit import check_station

    settings = get_settings()
    try:
        check_station(name)
    except ValueError as exc:
        errors.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    path = ensure_station(settings, name)
    errors.print(f"Tệp thông tin đăng nhập của trạm (đã lưu tại {path}, quyền 600); trên máy trạm đặt HOSO_CREDENTIALS_FILE trỏ tới nó:")
    sys.stdout.write(path.read_text(encoding="utf-8"))
