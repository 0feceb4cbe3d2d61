"""Referral statistics: de-identified counts of referrals and median times, small ones
suppressed."""
