/**
 * CSV for frames, round-tripping exactly: numbers (shortest decimal that parses back to the
 * same double), nulls and strings (including the empty string). Never imports TF.js.
 *
 * Encoding (RFC 4180, `\n` line ends): null is an empty unquoted field; the empty string is
 * `""`; a string is quoted when it contains `,`, `"`, a line break, or is empty; numbers are
 * written with `String(x)` (`NaN`, `Infinity`, `-Infinity` included; `-0` as `-0`).
 */
import * as aq from 'arquero';
import { UserError } from '../types.ts';
import type { ColumnSpec, Frame } from './frames.ts';

type Value = string | number | null;

function encodeField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  const s = String(value);
  return s === '' || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Serializes `frame` with exactly the columns of `spec`, in order. */
export function frameToCsv(frame: Frame, spec: ColumnSpec): string {
  const names = Object.keys(spec);
  const missing = names.filter((n) => !frame.columnNames().includes(n));
  if (missing.length) throw new Error(`frame lacks columns ${missing.join(', ')}`);
  const columns = names.map((n) => frame.array(n) as ArrayLike<unknown>);
  const lines = [names.map(encodeField).join(',')];
  for (let i = 0; i < frame.numRows(); i++) {
    lines.push(columns.map((c) => encodeField(c[i])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A parsed field: its text and whether it was quoted (quoted empty = '', unquoted empty = null). */
interface Field {
  text: string;
  quoted: boolean;
}

/** Splits CSV text into records of fields (RFC 4180). `where` names the source in errors. */
export function parseCsv(text: string, where: string): Field[][] {
  const rows: Field[][] = [];
  let row: Field[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  if (n === 0) return rows;
  while (i <= n) {
    let field: Field;
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw new UserError(`${where}: line ${line}: unterminated quoted field`);
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        value += c;
        i++;
      }
      field = { text: value, quoted: true };
      if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        throw new UserError(`${where}: line ${line}: unexpected character after a quoted field`);
      }
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
      field = { text: text.slice(i, j), quoted: false };
      i = j;
    }
    row.push(field);
    if (i >= n) {
      rows.push(row);
      break;
    }
    if (text[i] === ',') {
      i++;
      continue;
    }
    // line end (\n or \r\n)
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    rows.push(row);
    row = [];
    if (i >= n) break;
  }
  return rows;
}

function parseValue(field: Field, type: 'string' | 'number', where: string): Value {
  if (!field.quoted && field.text === '') return null;
  if (type === 'string') return field.text;
  const x = Number(field.text);
  if (Number.isNaN(x) && field.text !== 'NaN') {
    throw new UserError(`${where}: '${field.text}' is not a number`);
  }
  if (field.text.trim() === '') throw new UserError(`${where}: blank value is not a number`);
  return x;
}

/**
 * Parses CSV text into a frame with the columns of `spec` (in spec order, typed by the spec).
 * The header must contain every spec column (extra columns are dropped); a row with the wrong
 * number of fields or a non-numeric value in a number column is a {@link UserError} naming
 * `where`, the line and the column.
 */
export function csvToFrame(text: string, spec: ColumnSpec, where: string): Frame {
  const rows = parseCsv(text, where);
  if (rows.length === 0) throw new UserError(`${where}: empty file (expected a header line)`);
  const header = rows[0].map((f) => f.text);
  const names = Object.keys(spec);
  const missing = names.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new UserError(
      `${where}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `(header: ${header.join(',')})`,
    );
  }
  const index = names.map((c) => header.indexOf(c));
  const columns: Value[][] = names.map(() => []);
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (row.length !== header.length) {
      throw new UserError(
        `${where}: data row ${r} has ${row.length} fields, the header has ${header.length}`,
      );
    }
    for (const [k, name] of names.entries()) {
      columns[k].push(parseValue(row[index[k]], spec[name], `${where}: row ${r}, column ${name}`));
    }
  }
  const data: Record<string, Value[]> = {};
  for (const [k, name] of names.entries()) data[name] = columns[k];
  return aq.table(data);
}
