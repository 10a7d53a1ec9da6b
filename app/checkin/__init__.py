"""Personal check-in links: signed, expiring tokens that name one participant and one pair."""
