"""The address a request really came from, behind a known number of trusted proxies.

Behind nginx or a load balancer every request reaches the app from the proxy's
own address, so throttles keyed on REMOTE_ADDR would put every client in one
bucket. Each trusted proxy appends the address it was reached from to
X-Forwarded-For; with TRUSTED_PROXIES = N, the client is the N-th entry from the
right. Entries further left were written by the client and are never believed.
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    proxies = settings.TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the leftmost one was still written by a trusted hop.
    return forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
