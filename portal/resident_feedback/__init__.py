"""What residents tell the service afterwards: a short anonymous questionnaire on how a contact went
(the four quality points of the PAKU service-guidance cards) and, on the catalogue, "Did you find what
you were looking for?". Neither is a formal complaint, and neither is linked to a person or a request."""
