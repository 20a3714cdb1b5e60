"""Make the toy model of tests/experiments importable (module-level, hence picklable)."""

import sys
from pathlib import Path

TOY_DIR = Path(__file__).resolve().parents[1] / "experiments"
if str(TOY_DIR) not in sys.path:
    sys.path.insert(0, str(TOY_DIR))
