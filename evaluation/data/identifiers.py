"""Ids as the loaders read them: NFC-normalised, and checked against the one id grammar
(:mod:`evaluation.common.ids`) where they are defined.

An id is defined in one place (``proposal_id`` in ``proposals.csv``, ``evaluators`` in
``tender.yaml``, ``id`` in the model) and referred to elsewhere (score files, consensus,
recusals, declarations, ``prices.csv``). A definition is checked against the grammar; a
reference must equal a definition, so it is normalised and its loader reports it as unknown
(with its code points, :func:`evaluation.common.ids.show_id`, when a lookalike differs).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from evaluation.common.errors import ProblemList
from evaluation.common.ids import fold, id_problem, nfc, show_id
from evaluation.data.tables import Table, report_rows


def normalise_ids(table: Table, *columns: str) -> None:
    """NFC-normalise the id ``columns`` of ``table`` in place (those it has)."""
    for column in columns:
        if column in table.frame.columns:
            table.frame[column] = [nfc(str(v)) for v in table.frame[column]]


def check_id_column(table: Table, column: str, problems: ProblemList) -> None:
    """Normalise ``column`` and record one problem per row whose id breaks the grammar."""
    normalise_ids(table, column)
    bad: dict[tuple[str, str], list[int]] = {}
    for row, value in enumerate(table.frame[column]):
        problem = id_problem(value) if value else None
        if problem is not None:
            bad.setdefault(problem, []).append(row)
    for (message, expected), rows in bad.items():
        report_rows(problems, table, np.array(rows), column, message,
                    found=[show_id(v) for v in table.frame[column].iloc[rows]],
                    expected=expected)


def check_id(value: str, problems: ProblemList, file: str, field: str,
             line: int | None) -> str:
    """Return ``value`` NFC-normalised after recording a problem if it breaks the grammar."""
    value = nfc(value)
    problem = id_problem(value) if value else None
    if problem is not None:
        problems.add(file, field, problem[0], line=line, found=show_id(value),
                     expected=problem[1])
    return value


def case_twins(ids: Iterable[str]) -> list[str]:
    """Return the ids that differ from another only in case (one file on Windows and macOS)."""
    spellings: dict[str, set[str]] = {}
    for i in ids:
        spellings.setdefault(fold(i), set()).add(i)
    return sorted(i for group in spellings.values() if len(group) > 1 for i in group)
