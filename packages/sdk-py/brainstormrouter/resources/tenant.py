from typing import Any

from ._base import Resource


class Tenant(Resource):
    def retrieve(self) -> Any:
        """The calling key's tenant and the key itself."""
        return self._request("GET", "/v1/tenant", "api_key")
