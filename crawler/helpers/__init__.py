"""Pure helpers every layer may use: text and scripts, dates, URLs, durations, JSON values."""
