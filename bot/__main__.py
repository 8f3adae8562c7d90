"""Entry point for `python -m bot`."""
import sys

from .cli import main

sys.exit(main())
