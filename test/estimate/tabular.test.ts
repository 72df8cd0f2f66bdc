/**
 * Reading the data of `mimax estimate`: CSV (comments, header, quoting, column selection by
 * name, index and range, missing values) and `.npy` (float64, float32, 1-d, integer, Fortran
 * order, truncated and corrupt files). The `.npy` fixtures come from numpy:
 * `test/fixtures/estimate/make-npy.py` says how.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readNpy } from '../../src/data/npy.ts';
import { loadPairs, parseCsvTable, selectColumns } from '../../src/data/tabular.ts';
import { UserError } from '../../src/types.ts';
import { tempDir } from '../helpers.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'estimate');
const fixture = (name: string) => join(FIXTURES, name);

/** Asserts that `fn` throws a `UserError` whose message matches every pattern. */
function userError(fn: () => unknown, ...patterns: RegExp[]) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, `not a UserError: ${e}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

function csv(text: string): string {
  const path = join(tempDir('mimax-csv-'), 'data.csv');
  writeFileSync(path, text);
  return path;
}

describe('CSV', () => {
  it('skips leading # comments and blank lines, reads the header, handles quotes and CRLF', () => {
    const table = parseCsvTable(
      '# true MI 1.0 nats\n\n#another\n"a",b,"c, d"\r\n1,2,3\r\n"4",5,"6"\r\n\r\n',
      'mem.csv',
    );
    assert.deepEqual(table.header, ['a', 'b', 'c, d']);
    assert.deepEqual(table.records, [
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
    assert.deepEqual(table.lines, [5, 6]);
  });

  it('selects columns by name, index and range, and keeps the row order', () => {
    const path = csv('# c\nid,a,b,c,label\n1,0.5,2,3,cat\n2,-1.5,.5,1e-3,dog\n3,4,5,6,cat\n');
    const p = loadPairs({ data: path, x: 'a,2', y: '3:4' });
    assert.deepEqual(p.x.names, ['a', 'b']);
    assert.deepEqual(p.y.names, ['c']);
    assert.deepEqual(Array.from(p.x.values), [0.5, 2, -1.5, 0.5, 4, 5]);
    assert.deepEqual(Array.from(p.y.values), [3, 0.001, 6]);
    assert.equal(p.x.n, 3);
    assert.equal(p.dropped, 0);
    // Non-selected columns (label) need not be numeric; open ranges work.
    assert.deepEqual(loadPairs({ data: path, x: '1:3', y: 'c' }).x.names, ['a', 'b']);
    assert.deepEqual(selectColumns('3:', ['a', 'b', 'c', 'd', 'e'], '--y'), [3, 4]);
  });

  it('names the line, row and column of a missing or non-numeric value; --drop-missing drops them', () => {
    const path = csv('a,b\n1,2\n3,\n5,NA\nx7,8\n9,10\n');
    userError(
      () => loadPairs({ data: path, x: 'a', y: 'b' }),
      /line 3 \(data row 2\), column 'b': missing value/,
      /3 rows in all/,
      /--drop-missing/,
    );
    const p = loadPairs({ data: path, x: 'a', y: 'b', dropMissing: true });
    assert.equal(p.dropped, 3);
    assert.equal(p.rowsRead, 5);
    assert.deepEqual(Array.from(p.x.values), [1, 9]);
    assert.deepEqual(Array.from(p.y.values), [2, 10]);
    userError(
      () => loadPairs({ data: csv('a,b\n1,2\n3,inf\n'), x: 'a', y: 'b', dropMissing: true }),
      /line 3 \(data row 2\), column 'b': infinite value/,
    );
  });

  it('rejects unknown columns (listing them), bad ranges, overlaps and malformed files', () => {
    const path = csv('a,b,c\n1,2,3\n4,5,6\n');
    userError(
      () => loadPairs({ data: path, x: 'a,zz', y: 'c' }),
      /--x: unknown column 'zz'; available columns: 0: a, 1: b, 2: c/,
    );
    userError(() => loadPairs({ data: path, x: '0:9', y: 'c' }), /--x: column range '0:9'/);
    userError(() => loadPairs({ data: path, x: '5', y: 'c' }), /column index 5 is out of range/);
    userError(() => loadPairs({ data: path, x: 'a,b', y: 'b' }), /'b' is selected by both/);
    userError(() => loadPairs({ data: path, x: 'a,0', y: 'b' }), /'a' is selected twice/);
    userError(
      () => loadPairs({ data: csv('a,b\n1,2\n3\n'), x: 'a', y: 'b' }),
      /line 3 has 1 fields but the header has 2/,
    );
    userError(() => loadPairs({ data: csv('a,b\n"1,2\n'), x: 'a', y: 'b' }), /unterminated quoted/);
    userError(() => loadPairs({ data: csv('# only a comment\n'), x: 'a', y: 'b' }), /empty CSV/);
    userError(() => loadPairs({ data: csv('a,b\n'), x: 'a', y: 'b' }), /header but no rows/);
    userError(
      () => loadPairs({ data: fixture('f8-2d.npy'), x: 'a', y: 'b' }),
      /--x: unknown column/,
    );
    userError(() => loadPairs({ data: csv('a,\u0000b\n'), x: 'a', y: 'b' }), /NUL bytes/);
    userError(() => loadPairs({ data: '/no/such/file.csv', x: 'a', y: 'b' }), /file not found/);
    userError(() => loadPairs({ data: path }), /--x COLS --y COLS/);
  });
});

describe('npy', () => {
  it('reads float64 [n, d] and float32 / int64 [n] arrays', () => {
    const a = readNpy(fixture('f8-2d.npy'));
    assert.deepEqual(a.shape, [6, 2]);
    assert.equal(a.dtype, 'f8');
    assert.deepEqual(Array.from(a.values), [-1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
    const b = readNpy(fixture('f4-1d.npy'));
    assert.deepEqual(b.shape, [6]);
    assert.deepEqual(Array.from(b.values), [0.25, -1.5, 3, 4.125, 5, -6]);
    assert.deepEqual(Array.from(readNpy(fixture('i8-1d.npy')).values), [0, 1, 2, 3, 4, 5]);
  });

  it('transposes Fortran-order files into the same row-major values', () => {
    const f = readNpy(fixture('fortran.npy'));
    assert.deepEqual(f.shape, [6, 2]);
    assert.deepEqual(f.values, readNpy(fixture('f8-2d.npy')).values);
  });

  it('rejects truncated, corrupt, non-numeric and 3-d files, naming the file', () => {
    userError(
      () => readNpy(fixture('truncated.npy')),
      /truncated\.npy: the header's shape \(6, 2\) needs 12 values but the file holds 11 \(truncated\?\)/,
    );
    userError(
      () => readNpy(fixture('truncated-odd.npy')),
      /truncated-odd\.npy: not a readable \.npy/,
    );
    userError(() => readNpy(fixture('truncated-header.npy')), /not a readable \.npy/);
    userError(() => readNpy(fixture('not-npy.npy')), /not-npy\.npy: not a readable \.npy file/);
    userError(() => readNpy(fixture('strings.npy')), /dtype 'U1' is not numeric/);
    userError(() => readNpy(fixture('3d.npy')), /shape \(2, 3, 1\) has 3 dimensions/);
  });

  it('pairs x and y files: 1-d arrays, row counts, NaN as missing, inf as an error', () => {
    const p = loadPairs({ xFile: fixture('f4-1d.npy'), yFile: fixture('f8-2d.npy') });
    assert.deepEqual(p.x.names, ['x']);
    assert.deepEqual(p.y.names, ['y0', 'y1']);
    assert.equal(p.x.n, 6);
    userError(
      () => loadPairs({ xFile: fixture('f8-2d.npy'), yFile: fixture('f8-5rows.npy') }),
      /x \(.*f8-2d\.npy\) has 6 rows but y \(.*f8-5rows\.npy\) has 5/,
    );
    userError(
      () => loadPairs({ xFile: fixture('nan.npy'), yFile: fixture('f4-1d.npy') }),
      /row 2 .*column 'x': missing value/,
    );
    assert.equal(
      loadPairs({ xFile: fixture('nan.npy'), yFile: fixture('f4-1d.npy'), dropMissing: true })
        .dropped,
      1,
    );
    userError(
      () => loadPairs({ xFile: fixture('inf.npy'), yFile: fixture('f4-1d.npy') }),
      /row 3 .*column 'x': infinite value/,
    );
    userError(() => loadPairs({ xFile: fixture('f4-1d.npy') }), /go together/);
    // One 2-d .npy with --x/--y by index.
    const one = loadPairs({ data: fixture('f8-2d.npy'), x: '0', y: '1' });
    assert.deepEqual(Array.from(one.y.values), [-0.5, 0.5, 1.5, 2.5, 3.5, 4.5]);
  });
});
