"""Pages staff keep themselves (carers, professionals, questions and answers) and current notices."""
