#!/usr/bin/python3
"""Dumps every sheet of an .xlsx file as JSON, read with openpyxl (a reader independent of the writer).

Usage: read_xlsx.py FILE. Prints {"sheets": [{"name", "cells": [{"r", "c", "v", "fmt", "bold"}], "merged":
[[r1, c1, r2, c2]], "freeze": [r, c] or null, "widths": {col: width}}]}, rows and columns from 0.
"""
import json
import sys

from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_to_tuple, column_index_from_string


def sheet_json(ws):
    cells = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            cells.append({"r": cell.row - 1, "c": cell.column - 1, "v": cell.value,
                          "fmt": cell.number_format, "bold": bool(cell.font and cell.font.b)})
    merged = [[m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1] for m in ws.merged_cells.ranges]
    freeze = None
    if ws.freeze_panes:
        r, c = coordinate_to_tuple(ws.freeze_panes)
        freeze = [r - 1, c - 1]
    widths = {}
    for letter, dim in ws.column_dimensions.items():
        if dim.width:
            for col in range(dim.min or column_index_from_string(letter),
                             (dim.max or column_index_from_string(letter)) + 1):
                widths[str(col - 1)] = dim.width
    return {"name": ws.title, "cells": cells, "merged": merged, "freeze": freeze, "widths": widths}


def main():
    wb = load_workbook(sys.argv[1])
    json.dump({"sheets": [sheet_json(ws) for ws in wb.worksheets]}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
