"""The desktop app and its Qt-free inference and preprocessing."""
