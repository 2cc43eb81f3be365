"""The JSON endpoints, one module per resource; `search_api.app` includes their routers."""
