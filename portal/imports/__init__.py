"""Activities from other systems: the city's Linked Events API and partners' iCalendar feeds."""
