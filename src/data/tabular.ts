/**
 * Tabular input of `mimax estimate`: a CSV file with a header row, or NumPy `.npy` arrays, turned
 * into the two matrices x and y. Never imports TF.js.
 *
 * CSV: comma-separated, UTF-8 (a BOM is skipped), `\n` or `\r\n` line ends. Lines starting with
 * `#` *before* the header are comments (the shipped examples keep their true MI there); blank
 * lines are skipped. Fields may be double-quoted (RFC 4180, `""` for a quote) but not span lines.
 * Only the selected columns must be numeric (others, e.g. labels, are ignored).
 *
 * Values: a decimal number (`1`, `-2.5`, `.5`, `1e-3`). Missing: an empty field or one of
 * `NA`, `N/A`, `NaN`, `nan`, `null`, `NULL`, `None` (pandas' usual markers). Missing or
 * non-numeric values are an error naming the line, the row and the column, unless
 * `dropMissing` (then the rows are dropped and counted). Infinite values (`inf`, `Infinity`)
 * are always an error.
 *
 * Column selection (`--x`, `--y`): comma-separated header names, 0-based indices (`3`) or
 * half-open index ranges (`0:5` = columns 0–4, `5:` = from 5 on), mixed freely; a token that is
 * exactly a header name is that column.
 */
import { UserError } from '../types.ts';
import { readInput } from './files.ts';
import { readNpy } from './npy.ts';

/** n rows of d named numeric columns, row-major float64. */
export interface DataMatrix {
  n: number;
  d: number;
  /** values[i * d + j] = row i, column j. */
  values: Float64Array;
  /** Column names (CSV header names, or `x0`, `x1`, … for arrays). */
  names: string[];
}

/** A CSV file as text fields: the header and the data records with their line numbers. */
export interface CsvTable {
  header: string[];
  records: string[][];
  /** 1-based line number of each record in the file. */
  lines: number[];
}

/** Splits one line into fields (RFC 4180 quotes within the line). */
function splitLine(line: string, where: string, lineNumber: number): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) {
          throw new UserError(
            `${where}: line ${lineNumber}: unterminated quoted field (quoted fields may not span lines)`,
          );
        }
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i++];
      }
      fields.push(value);
      if (i < line.length && line[i] !== ',') {
        throw new UserError(`${where}: line ${lineNumber}: unexpected text after a quoted field`);
      }
    } else {
      const comma = line.indexOf(',', i);
      const to = comma < 0 ? line.length : comma;
      fields.push(line.slice(i, to));
      i = to;
    }
    if (i >= line.length) return fields;
    i++; // the comma
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

/** Parses CSV text (see the module comment); `where` names the source in errors. */
export function parseCsvTable(text: string, where: string): CsvTable {
  if (text.includes('\0')) {
    throw new UserError(`${where}: not a text CSV file (it contains NUL bytes); is it binary?`);
  }
  const all = text.replace(/^\uFEFF/, '').split('\n');
  let header: string[] | null = null;
  const records: string[][] = [];
  const lines: number[] = [];
  for (let l = 0; l < all.length; l++) {
    const line = all[l].endsWith('\r') ? all[l].slice(0, -1) : all[l];
    if (line.trim() === '') continue;
    if (header === null) {
      if (line.trimStart().startsWith('#')) continue; // a leading comment
      header = splitLine(line, where, l + 1).map((name) => name.trim());
      const seen = new Set<string>();
      for (const name of header) {
        if (seen.has(name)) {
          throw new UserError(`${where}: line ${l + 1}: the header names column '${name}' twice`);
        }
        seen.add(name);
      }
      continue;
    }
    const fields = splitLine(line, where, l + 1);
    if (fields.length !== header.length) {
      throw new UserError(
        `${where}: line ${l + 1} has ${fields.length} fields but the header has ${header.length}; not a well-formed CSV file`,
      );
    }
    records.push(fields);
    lines.push(l + 1);
  }
  if (header === null) throw new UserError(`${where}: empty CSV file (no header row)`);
  if (records.length === 0) throw new UserError(`${where}: the CSV file has a header but no rows`);
  return { header, records, lines };
}

/** Reads a CSV file (see {@link parseCsvTable}). */
export function readCsvTable(path: string): CsvTable {
  return parseCsvTable(new TextDecoder('utf-8').decode(readInput(path)), path);
}

/** How many column names an error message lists before "…". */
const LIST_AT_MOST = 30;

function available(names: readonly string[]): string {
  const shown = names.slice(0, LIST_AT_MOST).map((n, i) => `${i}: ${n}`);
  return `${shown.join(', ')}${names.length > LIST_AT_MOST ? `, … (${names.length} in all)` : ''}`;
}

/**
 * Column indices named by `spec` (see the module comment) among `names`; `flag` names the option
 * in errors. An unknown name lists the available columns; an index out of range says how many
 * there are; a column selected twice is an error.
 */
export function selectColumns(spec: string, names: readonly string[], flag: string): number[] {
  const out: number[] = [];
  const d = names.length;
  for (const raw of spec.split(',')) {
    const token = raw.trim();
    const named = names.indexOf(token);
    if (token === '') {
      throw new UserError(`${flag}: empty column name in '${spec}'`);
    } else if (named >= 0) {
      out.push(named);
    } else if (/^\d+$/.test(token)) {
      const i = Number(token);
      if (i >= d) {
        throw new UserError(
          `${flag}: column index ${i} is out of range (${d} columns: 0 to ${d - 1})`,
        );
      }
      out.push(i);
    } else if (/^\d*:\d*$/.test(token)) {
      const [a, b] = token.split(':');
      const from = a === '' ? 0 : Number(a);
      const to = b === '' ? d : Number(b);
      if (to > d || from >= to) {
        throw new UserError(
          `${flag}: column range '${token}' is empty or out of range (${d} columns: 0 to ${d - 1}; ranges are start:end, end excluded)`,
        );
      }
      for (let i = from; i < to; i++) out.push(i);
    } else {
      throw new UserError(
        `${flag}: unknown column '${token}'; available columns: ${available(names)}`,
      );
    }
  }
  const seen = new Set<number>();
  for (const i of out) {
    if (seen.has(i)) throw new UserError(`${flag}: column '${names[i]}' is selected twice`);
    seen.add(i);
  }
  return out;
}

/** Missing-value markers (pandas' usual ones, and the empty field). */
const MISSING = new Set([
  '',
  'NA',
  'N/A',
  'NaN',
  'nan',
  'NAN',
  'null',
  'NULL',
  'None',
  '-NaN',
  '-nan',
]);
/** A plain decimal number (no hex, no `Infinity`: `Number` alone would accept both). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INFINITE = /^[+-]?(inf|infinity)$/i;

/** Why a text field is not a usable number, or null when it is one (see the module comment). */
type Problem = 'missing' | 'non-numeric' | 'infinite';

function parseField(text: string): number | Problem {
  const t = text.trim();
  if (MISSING.has(t)) return 'missing';
  if (INFINITE.test(t)) return 'infinite';
  if (!DECIMAL.test(t)) return 'non-numeric';
  const v = Number(t);
  return Number.isFinite(v) ? v : 'infinite'; // 1e999 overflows
}

/** Where the data of `mimax estimate` come from. */
export interface PairsSource {
  /** A CSV file (or one 2-d `.npy` file) holding both x's and y's columns. */
  data?: string;
  /** Columns of `data` that form x (see the module comment). */
  x?: string;
  /** Columns of `data` that form y. */
  y?: string;
  /** A `.npy` array [n] or [n, d] holding x (with `yFile`, instead of `data`). */
  xFile?: string;
  /** A `.npy` array holding y. */
  yFile?: string;
  /** Drop rows with a missing or non-numeric value instead of failing. Default false. */
  dropMissing?: boolean;
}

/** x and y as read, with what was dropped. */
export interface LoadedPairs {
  x: DataMatrix;
  y: DataMatrix;
  /** Rows dropped for missing or non-numeric values (only with `dropMissing`). */
  dropped: number;
  /** Rows in the input before dropping. */
  rowsRead: number;
  /** One line naming the source, e.g. `data.csv (x: a, b; y: c)`. */
  description: string;
}

/** A numeric column source: its name, how many rows, and field i as text or number. */
interface Column {
  name: string;
  value(i: number): number | Problem;
}

/** Builds x and y from columns, handling bad values per `dropMissing`; `locate(i)` names row i. */
function assemble(
  xColumns: Column[],
  yColumns: Column[],
  rows: number,
  dropMissing: boolean,
  locate: (i: number) => string,
  description: string,
): LoadedPairs {
  const columns = [...xColumns, ...yColumns];
  const keep = new Uint8Array(rows).fill(1);
  let firstBad: { row: number; column: string; problem: Problem } | null = null;
  let badRows = 0;
  for (let i = 0; i < rows; i++) {
    for (const c of columns) {
      const v = c.value(i);
      if (typeof v === 'number') continue;
      if (v === 'infinite') {
        throw new UserError(
          `${locate(i)}, column '${c.name}': infinite value; every value must be a finite number`,
        );
      }
      firstBad ??= { row: i, column: c.name, problem: v };
      if (keep[i]) badRows++;
      keep[i] = 0;
    }
  }
  if (firstBad && !dropMissing) {
    throw new UserError(
      `${locate(firstBad.row)}, column '${firstBad.column}': ${firstBad.problem} value` +
        ` (${badRows} row${badRows === 1 ? '' : 's'} in all have missing or non-numeric values);` +
        ' use --drop-missing to drop such rows',
    );
  }
  const kept = rows - badRows;
  if (kept === 0)
    throw new UserError(`${description}: every row has a missing or non-numeric value`);
  const build = (cols: Column[]): DataMatrix => {
    const d = cols.length;
    const values = new Float64Array(kept * d);
    let r = 0;
    for (let i = 0; i < rows; i++) {
      if (!keep[i]) continue;
      for (let j = 0; j < d; j++) values[r * d + j] = cols[j].value(i) as number;
      r++;
    }
    return { n: kept, d, values, names: cols.map((c) => c.name) };
  };
  return { x: build(xColumns), y: build(yColumns), dropped: badRows, rowsRead: rows, description };
}

function npyColumns(array: { shape: number[]; values: Float64Array }, prefix: string): Column[] {
  const d = array.shape.length === 2 ? array.shape[1] : 1;
  return Array.from({ length: d }, (_, j) => ({
    name: array.shape.length === 1 ? prefix : `${prefix}${j}`,
    value: (i: number) => {
      const v = array.values[i * d + j];
      return Number.isNaN(v) ? 'missing' : Number.isFinite(v) ? v : 'infinite';
    },
  }));
}

/**
 * Reads x and y from `source`: a CSV (or 2-d `.npy`) file with `x` and `y` column selections,
 * or two `.npy` files. Every problem (missing file, corrupt file, unknown column, bad value,
 * different row counts, overlapping selections) is a `UserError` that names it.
 */
export function loadPairs(source: PairsSource): LoadedPairs {
  const dropMissing = source.dropMissing ?? false;
  const hasFiles = source.xFile !== undefined || source.yFile !== undefined;
  if (source.data !== undefined && hasFiles) {
    throw new UserError('give either a data file (CSV) or --x-file and --y-file, not both');
  }
  if (hasFiles) {
    if (source.xFile === undefined || source.yFile === undefined) {
      throw new UserError('--x-file and --y-file go together: give both');
    }
    if (source.x !== undefined || source.y !== undefined) {
      throw new UserError(
        '--x and --y select columns of a CSV file; with --x-file/--y-file leave them out',
      );
    }
    const xa = readNpy(source.xFile);
    const ya = readNpy(source.yFile);
    if (xa.shape[0] !== ya.shape[0]) {
      throw new UserError(
        `x (${source.xFile}) has ${xa.shape[0]} rows but y (${source.yFile}) has ${ya.shape[0]}; x and y must have one row per pair`,
      );
    }
    return assemble(
      npyColumns(xa, 'x'),
      npyColumns(ya, 'y'),
      xa.shape[0],
      dropMissing,
      (i) => `row ${i + 1} (of ${source.xFile} / ${source.yFile})`,
      `${source.xFile} (x: ${xa.shape.join(' × ')}), ${source.yFile} (y: ${ya.shape.join(' × ')})`,
    );
  }
  if (source.data === undefined) {
    throw new UserError(
      'no data: give a CSV file (mimax estimate DATA --x COLS --y COLS) or --x-file and --y-file',
    );
  }
  if (source.x === undefined || source.y === undefined) {
    throw new UserError(`${source.data}: say which columns are x and y (--x COLS --y COLS)`);
  }
  const path = source.data;
  let names: string[];
  let rows: number;
  let field: (i: number, j: number) => number | Problem;
  let locate: (i: number) => string;
  if (path.toLowerCase().endsWith('.npy')) {
    const array = readNpy(path);
    if (array.shape.length !== 2) {
      throw new UserError(
        `${path}: a 1-d array cannot hold both x and y; use --x-file and --y-file`,
      );
    }
    const [n, d] = array.shape;
    names = Array.from({ length: d }, (_, j) => String(j));
    rows = n;
    field = (i, j) => {
      const v = array.values[i * d + j];
      return Number.isNaN(v) ? 'missing' : Number.isFinite(v) ? v : 'infinite';
    };
    locate = (i) => `${path}: row ${i + 1}`;
  } else {
    const table = readCsvTable(path);
    names = table.header;
    rows = table.records.length;
    field = (i, j) => parseField(table.records[i][j]);
    locate = (i) => `${path}: line ${table.lines[i]} (data row ${i + 1})`;
  }
  const xi = selectColumns(source.x, names, '--x');
  const yi = selectColumns(source.y, names, '--y');
  const both = xi.filter((i) => yi.includes(i));
  if (both.length) {
    throw new UserError(
      `column '${names[both[0]]}' is selected by both --x and --y; I(X; X) is infinite, choose disjoint columns`,
    );
  }
  // Parse each selected field once (CSV text → number) and keep the numbers per column.
  const column = (j: number): Column => {
    const parsed: (number | Problem)[] = new Array(rows);
    for (let i = 0; i < rows; i++) parsed[i] = field(i, j);
    return { name: names[j], value: (i) => parsed[i] };
  };
  const short = (idx: number[]) =>
    idx.length <= 6
      ? idx.map((i) => names[i]).join(', ')
      : `${names[idx[0]]} … ${names[idx[idx.length - 1]]} (${idx.length})`;
  return assemble(
    xi.map(column),
    yi.map(column),
    rows,
    dropMissing,
    locate,
    `${path} (x: ${short(xi)}; y: ${short(yi)})`,
  );
}
