"""`hoso bench …`: the project's benchmark commands (measurements, never tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

PREFECT_DBS_HELP = "cơ sở dữ liệu của máy chủ Prefect (mỗi cái một máy chủ mới): sqlite, postgres hoặc cả hai, cách nhau bằng dấu phẩy"

bench_app = typer.Typer(help="Đo hiệu năng và độ chính xác trên máy này (không phải kiểm thử).", no_args_is_help=True)


def _ready_settings():  # type: ignore[no-untyped-def]
    """The local stack, started if it is not running (benchmarks use its servers)."""
    from core.settings import get_settings
    from hoso.cli import up
    from hoso.cli_common import stack_is_up

    settings = get_settings()
    if not stack_is_up(settings):
        up()
    return settings


def _prefect_dbs(value: str, single: bool = False) -> tuple[str, ...]:
    """Checked at the edge: a comma-separated list of the Prefect databases the benchmark knows."""
    from bench.harness import PREFECT_DATABASES

    chosen = tuple(db.strip() for db in value.split(",") if db.strip())
    if not chosen or set(chosen) - set(PREFECT_DATABASES) or (single and len(chosen) != 1):
        allowed = " hoặc ".join(PREFECT_DATABASES) if single else ", ".join(PREFECT_DATABASES)
        raise typer.BadParameter(f"chỉ nhận {allowed}", param_hint="--prefect-db")
    return chosen


@bench_app.command("load")
def load(
    count: Annotated[int, typer.Option(help="số hồ sơ nhỏ")] = 1000,
    concurrency: Annotated[int, typer.Option(help="số hồ sơ xử lý cùng lúc trong worker")] = 2,
    out: Annotated[Path, typer.Option(help="thư mục ghi bộ hồ sơ và kết quả")] = Path(".bench/load"),
    prefect_db: Annotated[str, typer.Option(help="cơ sở dữ liệu của máy chủ Prefect: sqlite (của bộ dịch vụ cục bộ) hoặc postgres (một máy chủ tạm)")] = "sqlite",
) -> None:
    """Thông lượng và bộ nhớ của worker trên nhiều hồ sơ nhỏ có lớp chữ."""
    from bench.load import run_load

    [database] = _prefect_dbs(prefect_db, single=True)
    typer.echo(run_load(_ready_settings(), count, concurrency, out, database))


@bench_app.command("ocr")
def ocr(
    pages: Annotated[int, typer.Option(help="số trang quét nhiễu tối thiểu (--corpus official: số hồ sơ)")] = 40,
    concurrency: Annotated[int, typer.Option(help="số hồ sơ xử lý cùng lúc trong worker")] = 4,
    out: Annotated[Path, typer.Option(help="thư mục ghi các trang và kết quả")] = Path(".bench/ocr"),
    corpus: Annotated[str, typer.Option(help="dense: tờ khai dày chữ của bộ mẫu hoso; official: bản quét các mẫu chính thức, thưa chữ, một phần cần xem xét")] = "dense",
    prefect_db: Annotated[str, typer.Option(help=PREFECT_DBS_HELP)] = "sqlite,postgres",
    library_only: Annotated[bool, typer.Option(help="chỉ thư viện OCR, không cần bộ dịch vụ: CPU-giây mỗi trang so với Tesseract thuần, theo loại trang")] = False,
    per_kind: Annotated[int, typer.Option(help="(--library-only) số trang mỗi loại")] = 12,
    languages: Annotated[str, typer.Option(help="(--library-only) ngôn ngữ của thư viện; mặc định HOSO_OCR_LANGUAGES")] = "",
) -> None:
    """So sánh Tesseract thuần với toàn bộ quy trình trên cùng các trang: tốc độ, tỉ lệ lỗi ký tự, bộ nhớ đệm, PDF có lớp chữ."""
    from bench.ocr import run_ocr_bench

    if library_only:
        from dataclasses import replace

        from bench.ocr_library import run_library_bench
        from core.settings import get_settings
        from flows.resources import ocr_options

        options = ocr_options(get_settings())
        if languages:
            options = replace(options, languages=languages)
        typer.echo(run_library_bench(out.with_name(out.name + "-library"), per_kind, options))
        return
    if corpus not in ("dense", "official"):
        raise typer.BadParameter("--corpus là dense hoặc official")
    typer.echo(run_ocr_bench(_ready_settings(), pages, concurrency, out, _prefect_dbs(prefect_db), corpus=corpus))


@bench_app.command("subflows")
def subflows(
    count: Annotated[int, typer.Option(help="số lượt chạy con rỗng")] = 27,
    steps: Annotated[int, typer.Option(help="số tác vụ rỗng trong mỗi lượt con (mặc định: số bước của một hồ sơ)")] = 0,
    concurrency: Annotated[int, typer.Option(help="số lượt con chạy cùng lúc, như khi tiếp nhận")] = 4,
    prefect_db: Annotated[str, typer.Option(help=PREFECT_DBS_HELP)] = "sqlite,postgres",
    out: Annotated[Path, typer.Option(help="thư mục ghi kết quả")] = Path(".bench/subflows"),
) -> None:
    """Chi phí riêng của Prefect cho các lượt chạy hồ sơ: lượt con rỗng cùng hình dạng, theo cơ sở dữ liệu của máy chủ Prefect."""
    from bench.subflows import DOSSIER_STEPS, run_subflows_bench

    typer.echo(run_subflows_bench(_ready_settings(), count, steps or DOSSIER_STEPS, concurrency, _prefect_dbs(prefect_db), out))


@bench_app.command("scale")
def scale(
    count: Annotated[int, typer.Option(help="số hồ sơ quét trong lô")] = 24,
    seed: Annotated[int, typer.Option(help="hạt giống ngẫu nhiên của bộ mẫu")] = 13,
    out: Annotated[Path, typer.Option(help="thư mục ghi bộ hồ sơ và kết quả")] = Path(".bench/scale"),
) -> None:
    """Cùng một lô với 1 worker và với 2 worker, mỗi worker gắn với một lõi riêng (taskset): hồ sơ mỗi phút, tỉ lệ, mỗi worker xử lý bao nhiêu."""
    from bench.scale import run_scale

    typer.echo(run_scale(_ready_settings(), count, seed, out))


@bench_app.command("latency")
def latency(
    repeat: Annotated[int, typer.Option(help="số lần thả một hồ sơ một trang")] = 5,
    out: Annotated[Path, typer.Option(help="thư mục ghi hồ sơ mẫu và kết quả")] = Path(".bench/latency"),
) -> None:
    """Từ lúc thả một hồ sơ một trang vào hộp thư đến của hệ thống đang rảnh đến lúc hồ sơ được xử lý xong."""
    from bench.latency import run_latency

    typer.echo(run_latency(_ready_settings(), repeat, out))


@bench_app.command("accuracy")
def accuracy(
    count: Annotated[int, typer.Option(help="số hồ sơ có nhãn trong bộ mẫu")] = 80,
    scan_ratio: Annotated[float, typer.Option(help="tỉ lệ hồ sơ dựng thành bản quét nhiễu")] = 0.5,
    seed: Annotated[int, typer.Option(help="hạt giống ngẫu nhiên của bộ mẫu")] = 2025,
    concurrency: Annotated[int, typer.Option(help="số hồ sơ xử lý cùng lúc trong worker")] = 4,
    out: Annotated[Path, typer.Option(help="thư mục ghi bộ hồ sơ và kết quả")] = Path(".bench/accuracy"),
    corpus: Annotated[str, typer.Option(help="bộ hồ sơ mẫu: own (của hoso), official (theo mẫu chính thức) hoặc cả hai, cách nhau bằng dấu phẩy")] = "own,official",
) -> None:
    """Độ chính xác thủ tục, nơi nhận, kết luận và các trường của quy trình thật trên bộ hồ sơ mẫu có nhãn."""
    from bench.accuracy import CORPORA, run_accuracy

    chosen = tuple(dict.fromkeys(c.strip() for c in corpus.split(",") if c.strip()))
    if not chosen or set(chosen) - set(CORPORA):
        raise typer.BadParameter(f"chỉ nhận {', '.join(CORPORA)}", param_hint="--corpus")
    typer.echo(run_accuracy(_ready_settings(), count, scan_ratio, seed, concurrency, out, chosen))
