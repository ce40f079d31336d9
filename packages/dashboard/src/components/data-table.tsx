import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { QueryState } from "./query-state";

export interface Column<Row> {
  /** Header text, and the cell's `data-label` the phone layout prints in front of each value. */
  label: string;
  cell: (row: Row) => ReactNode;
  className?: string;
  /** Hover text, e.g. the exact date behind "3 days ago". */
  title?: (row: Row) => string | undefined;
}

interface TableProps<Row> {
  columns: Column<Row>[];
  /** Adds a last column, visually unlabelled, e.g. for a row's Revoke button. */
  actions?: (row: Row) => ReactNode;
  /** Shown instead of the table when there is nothing to list. */
  empty: ReactNode;
}

/** A list's rows as a table, behind the query's loading and failed states. */
export function QueryTable<Row extends { id: string }>({ query, ...table }: { query: UseQueryResult<Row[]> } & TableProps<Row>) {
  return <QueryState query={query}>{(rows) => <DataTable rows={rows} {...table} />}</QueryState>;
}

export function DataTable<Row extends { id: string }>({ rows, columns, actions, empty }: { rows: Row[] } & TableProps<Row>) {
  if (rows.length === 0) return empty;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col">
                {c.label}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              {columns.map((c) => (
                <td key={c.label} data-label={c.label} className={c.className} title={c.title?.(row)}>
                  {c.cell(row)}
                </td>
              ))}
              {actions && <td className="cell-actions">{actions(row)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
