"""What the routers call: planning and saving trips, coverage audits, map layers."""
