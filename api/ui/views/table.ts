import { html, type HtmlValue, type SafeHtml } from '../../../infra/html';

/** One column of a table: its header, and what a row puts in its cell. */
export interface Column<T> {
  header: HtmlValue;
  cell: (row: T) => HtmlValue;
  /** This cell names its row (`<th scope="row">`), as screen readers announce it. */
  rowHeader?: boolean;
  /** A class of the cell: `num` aligns numbers, `pre` keeps line breaks. */
  className?: string;
}

/** Every data table of the UI: a caption (also the table's accessible name), a header row, a row per item. */
export function table<T>(caption: HtmlValue, columns: readonly Column<T>[], rows: readonly T[]): SafeHtml {
  const cell = (column: Column<T>, row: T) => {
    const content = column.cell(row);
    if (column.rowHeader) return html`<th scope="row">${content}</th>`;
    return column.className
      ? html`<td class="${column.className}">${content}</td>`
      : html`<td>${content}</td>`;
  };
  return html`<table>
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${columns.map((column) => html`<th scope="col">${column.header}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (row) =>
          html`<tr>
            ${columns.map((column) => cell(column, row))}
          </tr>`,
      )}
    </tbody>
  </table>`;
}
