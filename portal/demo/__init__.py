"""Demo data: the Helsinki catalogue, synthetic activities and a history of submissions."""
