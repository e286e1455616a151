"""The generated parts of docs/internals.md: the package layout and the optimizer passes.

``python tools/layout.py`` prints both; ``python tools/layout.py --write`` rewrites them in
docs/internals.md (between the ``<!-- generated: ... -->`` markers). The layout is a tree with
one line per module: the first sentence of its docstring. The passes are read from
`srcad.build.modes.PASSES`: each mode's passes in order, then what each pass accepts and
guarantees, from the docstring of the optimizer module it runs. Everything is read with
`ast`, without importing srcad. ``tests/test_layout_doc.py`` fails when the page and the
modules disagree.
"""

from __future__ import annotations

import ast
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = REPO / "srcad"
PAGE = REPO / "docs" / "internals.md"
NAME_WIDTH = 26  # the tree's name column


def _docstring(path: pathlib.Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text())) or ""


def first_sentence(text: str) -> str:
    """The docstring's first sentence, on one line."""
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    match = re.search(r"[.!?](\s|$)", paragraph)
    sentence = paragraph[: match.start() + 1] if match else paragraph
    return sentence.rstrip(".")


def _line(depth: int, name: str, text: str) -> str:
    label = "  " * depth + name
    if not text:
        return label
    return f"{label:<{NAME_WIDTH}} {text}" if len(label) < NAME_WIDTH else f"{label} {text}"


def _tree(directory: pathlib.Path, depth: int) -> list[str]:
    lines = []
    entries = sorted(directory.iterdir(), key=lambda p: (p.name != "__init__.py", p.name))
    for path in entries:
        if path.suffix == ".py":
            lines.append(_line(depth, path.name, first_sentence(_docstring(path))))
        elif path.is_dir() and (path / "__init__.py").exists():
            init = first_sentence(_docstring(path / "__init__.py"))
            lines.append(_line(depth, path.name + "/", init))
            lines += [line for line in _tree(path, depth + 1) if not _is_init(line, depth + 1)]
    return lines


def _is_init(line: str, depth: int) -> bool:
    return line.startswith("  " * depth + "__init__.py")


def layout() -> str:
    """The package as a tree, one line per module."""
    return "\n".join(["srcad/", *_tree(PACKAGE, 1)])


def _passes() -> tuple[dict[str, list[str]], dict[str, str]]:
    """({mode: [pass, ...]}, {pass: its docstring}) from srcad/build/modes.py."""
    tree = ast.parse((PACKAGE / "build" / "modes.py").read_text())
    docs = {
        node.name: ast.get_docstring(node) or ""
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "PASSES":
            table = node.value
            break
    else:
        raise LookupError("srcad/build/modes.py has no PASSES table")
    modes = {
        key.attr: [element.id for element in value.elts]
        for key, value in zip(table.keys, table.values)
    }
    return modes, {name: docs[name] for names in modes.values() for name in names}


def _contract(module: str) -> str:
    """What an optimizer module accepts and guarantees: its docstring's first sentence and
    the paragraphs that say what it accepts, guarantees or returns."""
    path = PACKAGE.joinpath(*module.split(".")[1:]).with_suffix(".py")
    paragraphs = [" ".join(p.split()) for p in _docstring(path).split("\n\n")]
    said = [p for p in paragraphs[1:] if re.search(r"\b(Accepts|Guarantees|Returns)\b", p)]
    return " ".join([first_sentence(paragraphs[0]) + ".", *said])


def passes() -> str:
    """Each mode's optimizer passes, then what each pass accepts and guarantees."""
    modes, docs = _passes()
    lines = ["| Mode | Optimizer passes, in order |", "| --- | --- |"]
    for mode, names in modes.items():
        lines.append(f"| `Mode.{mode}` | {', '.join(f'`{n}`' for n in names) or 'none'} |")
    lines.append("")
    for name, doc in docs.items():
        module = doc.split(":")[0]
        lines.append(f"- `{name}` (`{module}`): {_contract(module)}")
    return "\n".join(lines)


SECTIONS = {"layout": lambda: f"```text\n{layout()}\n```", "passes": passes}


def render(page: str) -> str:
    """`page` with each generated section rewritten."""
    for name, make in SECTIONS.items():
        begin = f"<!-- generated: {name} (python tools/layout.py --write) -->"
        end = f"<!-- end: {name} -->"
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(page):
            raise LookupError(f"{PAGE} has no {begin} ... {end} section")
        generated = f"{begin}\n{make()}\n{end}"
        page = pattern.sub(lambda _, text=generated: text, page)
    return page


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        PAGE.write_text(render(PAGE.read_text()))
    else:
        print(layout())
        print()
        print(passes())
