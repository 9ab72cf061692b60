"""The limits that are part of the input contract (docs/limits.md says why each is where it is).

Every limit is checked before any heavy work, and crossing one is a located Chinese error, never a hang, a
traceback or a silently changed value. One place for all of them, so the CLI, the batch runner, the workbook
reader, the template packs and the web form refuse the same things.
"""

from __future__ import annotations

# --- one input file (YAML) ------------------------------------------------------------------------------------
MAX_INPUT_BYTES = 1_000_000  # the longest real reports are under 100 KB of YAML
MAX_YAML_DEPTH = 20  # nesting of mappings and lists; the contract itself is 4 deep
MAX_YAML_NODES = 20_000  # keys, values and list items; the contract has about 400
MAX_PART_CHARS = 50_000  # characters in one narrative part (part 一 counts each of its five aspects)
MAX_PARAGRAPH_CHARS = 5_000  # characters in one paragraph; a real one is under 1,000
MAX_FIELD_CHARS = 500  # agency, issuer, contact fields: a name or an address, not a text

# --- figures --------------------------------------------------------------------------------------------------
MAX_COUNT = 1_000_000_000  # 10⁹: still fits a province's aggregated report (the largest are about 10⁶ a year)
MAX_AMOUNT = 1_000_000_000_000  # 10¹²: an amount (元 or 万元) beyond this is a typing error
JUMP_FACTOR = 10  # a figure more than ten times last year's (and at least JUMP_FLOOR) is a warning
JUMP_FLOOR = 100

# --- the web form (govreport serve) ---------------------------------------------------------------------------
MAX_CELL_DIGITS = 100  # a number cell of more digits is kept as the text typed (and reported), never computed with
SAVE_WAIT_SECONDS = 30  # a save waits this long for another save of the same file to finish, then answers 503
