"""Training: sessions and attendance, certificates, practice screenings against vignettes,
coverage statistics, and the warning for untrained screeners."""
