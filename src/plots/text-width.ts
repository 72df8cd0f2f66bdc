/**
 * Text widths for Vega's layout in Node. Without a canvas Vega estimates every character as
 * 0.8 em, so titles and legends reserve far more room than the text takes (a third of each
 * PNG was blank). This table holds the advance widths of DejaVu Sans, the font the PNGs are
 * rendered with (`render.ts`), in em, measured with resvg (width of "x" + c + "x" minus "xx";
 * the whole-string width of a 66-character bold title agrees within 0.2%). A fixed table, not
 * a font lookup, so the SVGs are the same bytes on every machine.
 */

/** The characters of the table, in order. */
const CHARS =
  ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~σ±×→−≥≤·…µκ';

/** Advance widths in em, regular weight, index-aligned with {@link CHARS}. */
// biome-ignore format: a table
const REGULAR = [
    0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361,
    0.318, 0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337,
    0.337, 0.838, 0.838, 0.838, 0.531, 1, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752,
    0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732,
    0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.532,
    0.635, 0.567, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.55, 0.635,
    0.635, 0.384, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636,
    0.838, 0.634, 0.838, 0.838, 0.838, 0.838, 0.838, 0.838, 0.318, 1, 0.636, 0.589,
];

/** Advance widths in em, bold, index-aligned with {@link CHARS}. */
// biome-ignore format: a table
const BOLD = [
    0.348, 0.456, 0.521, 0.838, 0.696, 1.002, 0.872, 0.306, 0.457, 0.457, 0.523, 0.838, 0.38,
    0.415, 0.38, 0.365, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.4,
    0.4, 0.838, 0.838, 0.838, 0.58, 1, 0.774, 0.762, 0.734, 0.83, 0.683, 0.683, 0.821, 0.837,
    0.372, 0.372, 0.775, 0.637, 0.995, 0.837, 0.85, 0.733, 0.85, 0.77, 0.72, 0.682, 0.812, 0.774,
    1.103, 0.771, 0.724, 0.725, 0.457, 0.365, 0.457, 0.838, 0.5, 0.5, 0.675, 0.716, 0.593, 0.716,
    0.678, 0.435, 0.716, 0.712, 0.343, 0.343, 0.665, 0.343, 1.042, 0.712, 0.687, 0.716, 0.716,
    0.493, 0.595, 0.478, 0.712, 0.652, 0.924, 0.645, 0.652, 0.582, 0.712, 0.365, 0.712, 0.838,
    0.779, 0.838, 0.838, 0.838, 0.838, 0.838, 0.838, 0.38, 1, 0.736, 0.71,
];

/** Width of characters missing from the table, in em (about an average DejaVu letter). */
const FALLBACK_EM = 0.62;

const INDEX = new Map([...CHARS].map((c, i) => [c, i]));

/** Width in pixels of `text` set in DejaVu Sans at `fontSize` px, bold or regular. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let em = 0;
  for (const c of text) {
    const i = INDEX.get(c);
    em += i === undefined ? FALLBACK_EM : table[i];
  }
  return em * fontSize;
}

/** Whether a Vega font weight is bold (names or numeric weights ≥ 600). */
export function isBold(weight: unknown): boolean {
  if (typeof weight === 'number') return weight >= 600;
  return (
    weight === 'bold' ||
    weight === 'bolder' ||
    (typeof weight === 'string' && Number(weight) >= 600)
  );
}
