import ipaddress

from django.conf import settings


def client_ip(request):
    """JRN-1: the source address of a request. X-Forwarded-For is read only behind a configured number of
    trusted reverse proxies (CAFPRO_TRUSTED_PROXY_COUNT): each appends the address it received from, so the
    client is the N-th entry from the right. Anything unparsable falls back to the socket's peer."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.CAFPRO_TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            try:
                return str(ipaddress.ip_address(forwarded[-count]))
            except ValueError:
                pass
    return remote
