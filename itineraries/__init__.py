"""Trip model, scoring and themes, the multi-day OPHS solver and itinerary exports."""
