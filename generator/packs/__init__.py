"""Template packs: a province's or an agency's wording, extra sections and house style, over the base pack.

A pack is a folder: pack.yaml (settings) and, optionally, templates overriding base's report.html blocks. Packs
form a chain (agency folder → the pack an input names → the packs it extends → base); see docs/packs.md.

    schema.py       what a pack.yaml may say: every setting, typed (pydantic), and its problems located
    loader.py       finding and loading a chain: reading each pack.yaml, merging the settings, the cache;
                    `resolve_pack`, the input's pack resolved once for every later stage
    filling.py      a narrative's placeholders filled in the sandbox (`{{ 予以公开 }}` → the table's figure)
    pack.py         `Pack`, a loaded chain: merged settings (`settings`, and typed: `style`), wording rendered
    environment.py  the Jinja environments of a pack (loader, `css_fonts`), its template files checked on loading
    sandbox.py      the limited Jinja sandbox every template and wording renders in, and its limits
    errors.py       `PackError` and its located problems; Jinja's and Python's errors in Chinese
    scaffold.py     `govreport templates new`: a documented skeleton pack
    paths.py        where the shipped packs are
"""

from .environment import PackSandbox
from .errors import PackError, TemplateFailure, describe_error
from .loader import ResolvedPack, available_packs, load_pack, pack_named, resolve_pack, roots_for
from .pack import Pack
from .sandbox import LimitedSandbox
from .scaffold import scaffold_pack
from .schema import PACK_NAME, PAGE_SIZES, PART_IDS

__all__ = [
    "PACK_NAME",
    "PAGE_SIZES",
    "PART_IDS",
    "LimitedSandbox",
    "Pack",
    "PackError",
    "PackSandbox",
    "ResolvedPack",
    "TemplateFailure",
    "available_packs",
    "describe_error",
    "load_pack",
    "pack_named",
    "resolve_pack",
    "roots_for",
    "scaffold_pack",
]
