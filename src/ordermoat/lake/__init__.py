"""The event lake: Parquet partitions of access and login events, and the engines over them."""

from ordermoat.lake.engine import DEFAULT_ENGINES, ENGINES, Engine, connect_engine, engine_names, register_engine
from ordermoat.lake.writer import BatchWriter

__all__ = ["BatchWriter", "Engine", "ENGINES", "DEFAULT_ENGINES", "connect_engine", "engine_names", "register_engine"]
