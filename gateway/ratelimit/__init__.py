"""Rate limits per principal, counted in the gateway's database so replicas share them."""
