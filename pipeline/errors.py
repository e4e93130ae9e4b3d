"""The failure a user can act on: a stage ends with its message and exit status 1, never a traceback.

A leaf module (it imports nothing) so that library modules can raise it without depending on
:mod:`pipeline.stage`'s run machinery (params, temporary files, process groups).
"""


class StageError(RuntimeError):
    """A failure the user can act on; the message says what is wrong and what to do."""
