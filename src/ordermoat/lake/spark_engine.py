"""The scale-out engine: PySpark through Ibis (local mode unless Spark is configured)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import ibis
from ibis.expr.types import Table

from ordermoat._exceptions import ConfigError
from ordermoat.lake.engine import Engine
from ordermoat.lake.layout import batch_files, has_data, kind_dir

__all__ = ["SparkEngine"]

_COLUMNS = {
    "access": ["event_id", "ts", "actor_id", "order_ids", "operation", "field_mask", "ip", "device_id", "app_id", "url"],
    "logins": ["event_id", "ts", "account_id", "account_kind", "ip", "success", "device_id", "user_agent"],
}


class SparkEngine(Engine):
    name = "spark"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._con: Any = None
        self._session: Any = None

    @property
    def backend(self) -> Any:
        if self._con is None:
            try:
                from pyspark.sql import SparkSession
            except ImportError:
                raise ConfigError("the spark engine needs PySpark: pip install 'ordermoat[spark]'") from None
            builder = (
                SparkSession.builder.appName("ordermoat")
                .master(os.environ.get("ORDERMOAT_SPARK_MASTER", "local[*]"))
                .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="ordermoat-spark-"))
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", os.environ.get("ORDERMOAT_SPARK_PARTITIONS", "8"))
                .config("spark.driver.memory", os.environ.get("ORDERMOAT_SPARK_DRIVER_MEMORY", "4g"))
            )
            self._session = builder.getOrCreate()
            self._session.sparkContext.setLogLevel("ERROR")
            self._con = ibis.pyspark.connect(self._session)
        return self._con

    def table(self, kind: str) -> Table | None:
        if not has_data(self.root, kind):
            return None
        t = self.backend.read_parquet(str(kind_dir(self.root, kind)), table_name=f"lake_{kind}")
        cols = _COLUMNS.get(kind)
        return t.select(*cols) if cols else t

    def batches(self, kind: str, batch_ids: list[str]) -> Table | None:
        files = batch_files(self.root, kind, batch_ids)
        if not files:
            return None
        backend = self.backend  # starts the session
        view = f"lake_{kind}_new"
        self._session.read.parquet(*files).createOrReplaceTempView(view)
        t = backend.table(view)
        cols = _COLUMNS.get(kind)
        return t.select(*cols) if cols else t

    def close(self) -> None:
        if self._session is not None:
            self._session.stop()
            self._session = None
            self._con = None
