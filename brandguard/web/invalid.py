"""422 answers a person can read: each rejected parameter named, in Chinese first.

FastAPI's own answer is pydantic's English (`Input should be less than or equal to 100`). This
keeps the structured list (`errors`, as FastAPI gives it, for programs) and adds `detail`: one
Chinese sentence per rejected field, such as `limit：应不大于 100（收到 1000）`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

if TYPE_CHECKING:
    from fastapi import Request
    from fastapi.exceptions import RequestValidationError

MESSAGES = {
    "missing": "缺少此项",
    "extra_forbidden": "不认识的字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文本",
    "string_too_long": "过长（最多 {max_length} 个字符）",
    "string_too_short": "过短（至少 {min_length} 个字符）",
    "greater_than_equal": "应不小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "应不大于 {le}",
    "less_than": "应小于 {lt}",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "datetime_from_date_parsing": "应为 ISO 8601 时间",
    "datetime_parsing": "应为 ISO 8601 时间",
}
WHERE = {"query": "查询参数", "path": "路径", "body": "请求体", "header": "请求头"}


def sentence(error: dict[str, Any]) -> str:
    """One rejected field: where, which, what was expected (and what came, when short)."""
    loc = [str(p) for p in error.get("loc", ())]
    where = WHERE.get(loc[0], loc[0]) if loc else ""
    field = ".".join(loc[1:]) or where
    template = MESSAGES.get(str(error.get("type")))
    try:
        text = template.format(**error.get("ctx", {})) if template else "取值无效"
    except (KeyError, IndexError):
        text = "取值无效"
    given = error.get("input")
    if error.get("type") not in ("missing", "extra_forbidden") and isinstance(
            given, str | int | float) and len(str(given)) <= 40:
        text += f"（收到 {given}）"
    return f"{where} {field}：{text}" if where != field else f"{field}：{text}"


async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    detail = "请求参数有误 / invalid request：" + "；".join(sentence(e) for e in errors)
    return JSONResponse({"detail": detail, "errors": jsonable_encoder(errors)}, status_code=422)
