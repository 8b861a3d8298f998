"""Knowledge and configuration: the YAML files people edit (the FAQ, small talk, synonyms,
thresholds, the config file), parsed with file:line errors and turned once into frozen
dataclasses. Imports only from `bot.language`."""
