"""Who is asking: the client address used for rate limits and logs."""

from flask import request


def client_address() -> str:
    # ProxyFix (configured by YPB_PROXY_COUNT) has already replaced remote_addr
    # with the address the trusted proxy saw; never read X-Forwarded-For here.
    return request.remote_addr or "unknown"
