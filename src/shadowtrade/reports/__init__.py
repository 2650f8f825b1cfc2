"""Charts (Vega-Lite), HTML/PDF templates and plain-language narrative; never a connection."""
