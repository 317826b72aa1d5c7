"""`hoso db roles`: hoso's PostgreSQL roles (storage/roles.sql), made by an administrator once.

Run with ``HOSO_DATABASE_URL`` naming a PostgreSQL administrator's login on hoso's
database. The three logins it makes (migrations, workers, portal) are kept in
``HOSO_HOME/secrets/database.json`` (mode 0600): `hoso up` then gives the worker
the workers' login and runs the migrations with the migrations' login. The
passwords are never printed; a second run keeps them.
"""

from __future__ import annotations

import typer
from rich.console import Console

from core.settings import get_settings

app = typer.Typer(help="Cơ sở dữ liệu hồ sơ: vai trò PostgreSQL riêng cho migration, worker và cổng tra cứu.", no_args_is_help=True)
console = Console()


@app.command()
def roles(
    prefix: str = typer.Option("hoso", help="tên vai trò: <prefix>_migrate, <prefix>_worker, <prefix>_portal"),
) -> None:
    """Tạo (hoặc cập nhật) ba vai trò PostgreSQL và chạy migration bằng vai trò migration."""
    from core.secrets import new_secret, write_secret_json
    from hoso import identities
    from storage.roles import DatabaseRole, DatabaseRoles, ensure_roles, login_url

    settings = get_settings()
    admin_url = settings.database_url or ""
    if not admin_url.startswith("postgresql"):
        console.print("[red]SQLite là cơ sở dữ liệu một người dùng, không có vai trò; đặt HOSO_DATABASE_URL là tài khoản quản trị PostgreSQL.[/]")
        raise typer.Exit(2)
    known = identities.database_logins(settings) or {}
    from sqlalchemy.engine import make_url

    def role(part: str) -> DatabaseRole:
        kept = make_url(known[f"{part}_url"]) if f"{part}_url" in known else None
        return DatabaseRole(f"{prefix}_{part}", kept.password if kept and kept.password else new_secret())  # type: ignore[arg-type]

    made = DatabaseRoles(role("migrate"), role("worker"), role("portal"))
    ensure_roles(admin_url, made)
    path = write_secret_json(identities.database_logins_file(settings), {
        f"{part}_url": login_url(admin_url, getattr(made, part)) for part in ("migrate", "worker", "portal")
    })
    for part, meaning in (("migrate", "sở hữu bảng, chạy migration"), ("worker", "đọc/ghi bản ghi, không xoá hay sửa bảng"),
                          ("portal", "chỉ đọc các cột tra cứu theo số biên nhận")):
        console.print(f"[green]✓[/] {getattr(made, part).name}: {meaning}")
    console.print(f"Thông tin đăng nhập (mật khẩu không in ra) lưu ở {path}; `hoso up` dùng chúng cho worker và migration.")
