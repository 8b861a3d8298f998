"""Conversation: what the bot says (`replies`: every sentence, decision -> French text +
buttons) and what it was asked (`questionlog`). Shared by the Telegram bot and the
terminal chat; imports only from the layers below (language, knowledge, understanding)."""
