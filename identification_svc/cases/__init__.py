"""Cases: the person's record in the mechanism, its status ladder, decisions and who sees it."""
