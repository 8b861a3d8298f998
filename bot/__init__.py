"""faqbot: a Telegram bot that answers questions, in French, about one news article."""

__version__ = "0.1.0"
