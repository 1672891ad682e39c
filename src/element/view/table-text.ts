/**
 * A rendered table as tab-separated text, the form spreadsheets paste: each
 * cell's text as shown, cells joined by a tab, rows by `\n`. Tabs and line
 * breaks inside a cell become spaces so they cannot split it.
 */
export function tableText(table: HTMLTableElement): string {
  return [...table.rows]
    .map(row => [...row.cells].map(cell => cellText(cell)).join('\t'))
    .join('\n');
}

function cellText(cell: HTMLTableCellElement): string {
  // innerText is the text as rendered (no hidden text, images' alt not included).
  return cell.innerText.replace(/[\t\r\n]+/g, ' ').trim();
}
