"""Use cases: small async functions over the ports, grouped by feature behind one facade."""
