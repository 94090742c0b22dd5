"""The message ids are English, so the English catalogue repeats them: fill every empty msgstr with its id.

Run by `make translations-update`; a test checks that no catalogue has empty or fuzzy entries."""
import sys

from babel.messages.pofile import read_po, write_po

path = sys.argv[1]
with open(path, "rb") as f:
    catalogue = read_po(f, locale="en")
for message in catalogue:
    if not message.id:
        continue
    if isinstance(message.id, tuple):
        if not all(message.string):
            message.string = message.id
    elif not message.string:
        message.string = message.id
    message.flags.discard("fuzzy")
with open(path, "wb") as f:
    write_po(f, catalogue, width=100)
