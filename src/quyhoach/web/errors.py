"""Inputs and refusals, for every route at once (issue 12).

- Numbers: an id in a URL (`<int:…>`) beyond what a database column holds does not match the
  route (404); a number in a query string or a form read with `.get(…, type=int)` beyond it is
  refused (422); a number that still reaches the database out of range (OverflowError on SQLite,
  DataError on PostgreSQL) is answered 422, never 500.
- Refusals (400, 401, 403, 404, 405, 422, 500) in Vietnamese: a page in the layout, or for an
  htmx request a message the page shows in its flash area (`#flash-area`, static/app.js).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, render_template, request
from flask import Request as FlaskRequest
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, NotFound, UnprocessableEntity
from werkzeug.routing import IntegerConverter

from quyhoach.web import partials

# The largest id or number a request may carry: PostgreSQL's `integer` (SQLite's is wider).
INT_MAX = 2**31 - 1
INT_MIN = -(2**31)


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only what an integer column holds: a larger id is not a route (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=INT_MAX if max is None else max, signed=signed)


def _out_of_range(key: str, raw: object) -> UnprocessableEntity:
    return UnprocessableEntity(description=_("Số «%(value)s» ở ô «%(field)s» nằm ngoài giới hạn cho phép.",
                                             value=str(raw)[:40], field=key))


class BoundedMultiDict(ImmutableMultiDict):
    """Query and form values: `.get(key, type=int)` refuses (422) a number no column holds, the same
    everywhere, instead of letting it reach the database."""

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's name
        value = super().get(key, default, type)
        if type is int and isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
            raise _out_of_range(key, value)
        return value

    def getlist(self, key, type=None):  # noqa: A002 - werkzeug's name
        values = super().getlist(key, type)
        if type is int and any(isinstance(v, int) and not INT_MIN <= v <= INT_MAX for v in values):
            raise _out_of_range(key, next(v for v in values if not INT_MIN <= v <= INT_MAX))
        return values


class Request(FlaskRequest):
    parameter_storage_class = BoundedMultiDict


def _default_message(code: int) -> str:
    messages = {
        400: _("Yêu cầu không hợp lệ. Hãy tải lại trang rồi làm lại."),
        401: _("Phiên làm việc đã hết hạn hoặc bạn chưa đăng nhập; hãy đăng nhập lại."),
        403: _("Tài khoản của bạn không có quyền làm việc này. Nếu cần, hãy liên hệ quản trị viên."),
        404: _("Địa chỉ này không có trong hệ thống. Có thể mã đã thay đổi hoặc đường dẫn bị gõ sai."),
        405: _("Trang này không nhận thao tác đó. Hãy quay lại và dùng nút trên trang."),
        422: _("Dữ liệu gửi lên không hợp lệ; hãy kiểm tra lại các ô đã nhập."),
    }
    return messages.get(code, _("Máy chủ gặp lỗi; thao tác chưa được thực hiện. Hãy thử lại, "
                                "nếu vẫn lỗi hãy báo quản trị viên."))


def message_of(error: HTTPException) -> str:
    """What to tell the user: the handler's own words when it gave some, else ours (never
    werkzeug's English)."""
    if isinstance(error, CSRFError):
        return _("Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ (CSRF). Hãy tải lại trang rồi làm lại.")
    own = error.description if error.description != type(error).description else None
    return own or _default_message(error.code or 500)


def _title(code: int) -> str:
    titles = {400: _("Yêu cầu không hợp lệ"), 401: _("Cần đăng nhập"), 403: _("Không có quyền"),
              404: _("Không tìm thấy trang"), 405: _("Thao tác không hợp lệ"), 422: _("Dữ liệu không hợp lệ")}
    return titles.get(code, _("Có lỗi"))


def refusal(error: HTTPException):
    """A refusal in Vietnamese: the page in the layout, or the flash message of an htmx request."""
    code = error.code
    if code is None or code < 400:
        return error
    message = message_of(error)
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    if partials.is_partial():
        return partials.refusal(message, code, headers)
    if request.accept_mimetypes.best == "application/json":
        return {"error": message}, code, headers
    title = _title(code)
    template = "errors/404.html" if isinstance(error, NotFound) else "errors/refused.html"
    return render_template(template, title=title, message=message, code=code), code, headers


def out_of_range(error: Exception):
    """A number the database cannot hold that got past the parsing above (a field read by hand)."""
    return refusal(UnprocessableEntity(description=_("Có số nằm ngoài giới hạn cho phép; hãy kiểm tra lại các ô đã nhập.")))


def init_app(app: Flask) -> None:
    """Before the blueprints: the converter is bound when a route is added."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = Request
    app.register_error_handler(HTTPException, refusal)
    app.register_error_handler(OverflowError, out_of_range)
    app.register_error_handler(sa.exc.DataError, out_of_range)


__all__ = ["INT_MAX", "INT_MIN", "BoundedIntConverter", "Request", "init_app", "message_of", "refusal"]
