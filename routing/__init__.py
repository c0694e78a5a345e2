"""Road network, speed model, travel-time matrices, paths and tourist-road awareness."""
