"""Maintainers' tools: the terminal chat, `check`/`unanswered`/`stats`, `learn`, `init`,
and the evaluation behind `faqbot test` and its HTML report. Imports from the layers below
(language, knowledge, understanding, conversation), never from `bot.telegram`."""
