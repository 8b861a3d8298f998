"""Language: French text as the bot reads it (folding, stems, synonyms' names, SMS and
typos) and the Telegram HTML subset it writes. Knows nothing of the FAQ; imports nothing
from the other layers."""
