// Plain-text tables for the CLI's human output (`sessions`, `doctor`, `bench`).

/**
 * Formats rows under headers with columns padded to their widest cell.
 *
 * @example
 * formatTable(['check', 'status'], [['node', 'ok']]);
 * // check  status
 * // -----  ------
 * // node   ok
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
