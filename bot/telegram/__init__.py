"""Telegram: the python-telegram-bot application (`app.build_application`), its handlers,
the durable update inbox and reply outbox, fair sending and hot reload. Imports from the
layers below (language, knowledge, understanding, conversation), never from
`bot.maintainers`."""
