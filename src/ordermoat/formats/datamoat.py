"""DataMoat order-access logs (``--format datamoat``) mapped onto the access columns.

E-commerce platforms' data-security services collect, from ISVs, JSON objects such as::

    {"userId": "u-1", "userIp": "1.2.3.4", "ati": "dev-9", "appId": "12345",
     "appName": "ERP", "url": "/trade/detail", "tradeIds": "t1,t2",
     "operation": "query", "time": 1716876207000}

``tradeIds`` is a list or a comma-separated string, ``time`` epoch milliseconds, and the
operation names vary by vendor: common ones are mapped onto the contract's operations,
anything else is rejected. ``appName`` has no place in the access schema and is ignored;
there is no ``fields``, so a record counts as showing every field.
"""

from __future__ import annotations

from ordermoat.domain import Kind, Operation
from ordermoat.formats.converters import OneOf
from ordermoat.formats.lists import StringList
from ordermoat.formats.specs import ACCESS_COLUMNS, ACCESS_DERIVED, Column, KindSpec
from ordermoat.formats.timestamps import EpochMillis

__all__ = ["DATAMOAT_KEYS", "DATAMOAT_SPEC", "OPERATION_SYNONYMS"]

#: Access column → DataMoat key.
DATAMOAT_KEYS: dict[str, str] = {
    "ts": "time",
    "actor_id": "userId",
    "order_ids": "tradeIds",
    "operation": "operation",
    "ip": "userIp",
    "device_id": "ati",
    "app_id": "appId",
    "url": "url",
}

#: Vendor operation names (lower-cased, ``-``/space → ``_``) → contract operations.
OPERATION_SYNONYMS: dict[str, Operation] = {
    "query": Operation.VIEW,
    "get": Operation.VIEW,
    "read": Operation.VIEW,
    "detail": Operation.VIEW,
    "view_detail": Operation.VIEW,
    "查看": Operation.VIEW,
    "查询": Operation.VIEW,
    "batch_query": Operation.LIST,
    "batch_get": Operation.LIST,
    "query_list": Operation.LIST,
    "列表": Operation.LIST,
    "find": Operation.SEARCH,
    "搜索": Operation.SEARCH,
    "print_waybill": Operation.PRINT,
    "打印": Operation.PRINT,
    "download": Operation.EXPORT,
    "导出": Operation.EXPORT,
    "下载": Operation.EXPORT,
    "decode": Operation.DECRYPT,
    "decryption": Operation.DECRYPT,
    "解密": Operation.DECRYPT,
    "api": Operation.API_PULL,
    "pull": Operation.API_PULL,
    "apipull": Operation.API_PULL,
    "api_call": Operation.API_PULL,
}


_OVERRIDES: dict[str, Column] = {
    "ts": Column("ts", EpochMillis()),
    "order_ids": Column("order_ids", StringList(sep=",")),
    "operation": Column("operation", OneOf(tuple(Operation), tuple(OPERATION_SYNONYMS.items()))),
}

DATAMOAT_SPEC = KindSpec(
    Kind.ACCESS,
    tuple(_OVERRIDES.get(c.name, c) for c in ACCESS_COLUMNS),
    ACCESS_DERIVED,
)
