"""The translation desk: what helps the editors who translate (memory.py, checks.py,
machine.py) and what the desk's board and correction notes read (board.py)."""
