"""Sub-commands of the ``jinlv`` command line, one module each.

Every module here defines ``register(subparsers)`` which adds its sub-command and sets
``func`` on the parser to a callable taking the parsed namespace and returning an exit code.
Modules import heavy libraries inside their handlers so that ``jinlv --help`` stays fast.
"""
