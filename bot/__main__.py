"""`python -m bot` does the same as the `faqbot` command."""

from bot.cli import main

raise SystemExit(main())
