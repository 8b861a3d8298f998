"""Understanding: what a message means, with no Telegram in sight. Small talk, the lexical
matcher, the second opinion and the pipeline that combines them with the chat's context
(`pipeline.Understander`). Imports only from `bot.language` and `bot.knowledge`."""
