"""Persons: the encrypted personal data of the person a case is about, and duplicate flags."""
