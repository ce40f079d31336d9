from ..types import CurrentTenant
from ._base import Resource


class Tenant(Resource):
    def retrieve(self) -> CurrentTenant:
        """The calling key's tenant (id, slug, name, status) and the key itself (id, prefix, role).

        A pending, rejected or suspended tenant raises PermissionDeniedError (``tenant_pending``, …).
        """
        return self._request("GET", "/v1/tenant", "api_key")


class AsyncTenant(Tenant):
    async def retrieve(self) -> CurrentTenant:  # type: ignore[override]
        return await super().retrieve()  # type: ignore[misc]
