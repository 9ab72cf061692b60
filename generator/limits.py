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
MAX_NARRATIVE_CHARS = 100_000  # all narrative parts together: about 170 PDF pages, 3–4 s to render (docs/limits.md)
MAX_FIELD_CHARS = 500  # agency, issuer, contact fields: a name or an address, not a text

# --- figures --------------------------------------------------------------------------------------------------
MAX_COUNT = 1_000_000_000  # 10⁹: still fits a province's aggregated report (the largest are about 10⁶ a year)
MAX_AMOUNT = 1_000_000_000_000  # 10¹²: an amount (元 or 万元) beyond this is a typing error
JUMP_FACTOR = 10  # a figure more than ten times last year's (and at least JUMP_FLOOR) is a warning
JUMP_FLOOR = 100

# --- the web form (govreport serve) ---------------------------------------------------------------------------
MAX_CELL_DIGITS = 100  # a number cell of more digits is kept as the text typed (and reported), never computed with
SAVE_WAIT_SECONDS = 30  # a save waits this long for another save of the same file to finish, then answers 503

# --- batch units (govreport batch) ----------------------------------------------------------------------------
UNIT_TIMEOUT_SECONDS = 300  # per unit; the largest input allowed (100,000 characters of narrative) renders in 3–6 s,
#                             a township's in 0.2 s: only a hung or runaway unit reaches it (--unit-timeout)
UNIT_MEMORY_MB = 2048  # address space of a worker (RLIMIT_AS); measured VmPeak: about 390 MB for the example
#                        reports, 410 MB for the largest input allowed, 320 MB at rest (--unit-memory)
MIN_UNIT_MEMORY_MB = 512  # below this a worker cannot even hold WeasyPrint and its fonts (about 320 MB at rest)

# --- template packs and narrative placeholders: the Jinja sandbox (generator/packs/sandbox.py, docs/packs.md) ---
MAX_TEMPLATE_BYTES = 1_000_000  # one template file of a pack; base's largest is under 3 KB
MAX_TEMPLATE_OUTPUT = 10_000_000  # characters one template may render, and the longest string or list it may build;
#                                   the largest input allowed renders to about 1.3 M characters of HTML
MAX_SETTING_CHARS = 50_000  # characters a pack.yaml wording setting may render to: a narrative part's worth
MAX_TEMPLATE_ITEMS = 100_000  # items in one range or list a template builds (Jinja's own range limit)
MAX_TEMPLATE_STEPS = 1_000_000  # loop iterations and calls in one render; base uses about 500 for a real report and
#                                  105,000 for the largest input allowed (52,000 one-line paragraphs)
MAX_TEMPLATE_WORK = 100_000_000  # characters made in one render (output, joined, repeated, formatted strings); the
#                                  largest input allowed makes about 3 M
MAX_TEMPLATE_INT_BITS = 4_096  # about 1,233 digits: every number a template makes can still be printed
MAX_TEMPLATE_DEPTH = 50  # nested calls (macros, blocks, loop(...)); base nests 3 deep
MAX_TEMPLATE_SLOW_TEXT = 1_000_000  # characters into urlize, striptags, title, wordwrap, tojson…: Python-speed filters
MAX_TEMPLATE_SECONDS = 5  # CPU seconds one render may take; the largest input allowed renders its HTML in about 1 s

# --- collection workbooks (govreport xlsx-template, import, batch of a .xlsx) ----------------------------------
MAX_WORKSHEET_BYTES = 20_000_000  # one sheet unpacked; a filled collection sheet is about 50 KB (400 times less)
MAX_WORKBOOK_BYTES = 500_000_000  # the whole workbook unpacked: about 10,000 filled sheets, a province and more
