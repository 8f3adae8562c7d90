"""Entry point for `python -m index`."""
import sys

from .cli import main

sys.exit(main())
