/**
 * Headless rendering: Vega-Lite spec → (vega-lite compile) → Vega view with renderer 'none'
 * → SVG; SVG → PNG with resvg, using the system fonts so text renders. Never imports TF.js.
 */
import { existsSync } from 'node:fs';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { isBold, textWidth } from './text-width.ts';
import type { VlSpec } from './vega-lite.ts';

// Vega sizes titles, legends and axes by text width; in Node it has no canvas and guesses 0.8 em
// per character. Measure with the PNG font's own widths instead (Vega's documented hook for a
// user-defined `textMetrics.width`, as vl-convert uses).
const metrics = (
  vega as unknown as { textMetrics: { width: (item: object, text: unknown) => number } }
).textMetrics;
metrics.width = (item, text) => {
  const { fontSize, fontWeight, limit } = item as {
    fontSize?: number;
    fontWeight?: unknown;
    limit?: number;
  };
  const size = fontSize != null ? +fontSize || 0 : 11; // Vega's default font size
  const width = textWidth(text == null ? '' : `${text}`.trim(), size, isBold(fontWeight));
  return limit && limit > 0 ? Math.min(width, limit) : width; // Vega truncates at `limit`
};

/** Compiles a Vega-Lite spec to a Vega spec (throws on an invalid spec). */
export function compileSpec(spec: VlSpec): vega.Spec {
  return vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec;
}

/** Renders a Vega-Lite spec to an SVG string (no browser, no canvas). */
export async function renderSvg(spec: VlSpec): Promise<string> {
  const view = new vega.View(vega.parse(compileSpec(spec)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Fonts for PNG rendering: the first of these present is the default and the sans-serif
 * family (DejaVu Sans ships with Debian's fonts-dejavu-core); system fonts are loaded too.
 */
const FONT_CANDIDATES = [
  { family: 'DejaVu Sans', file: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' },
  {
    family: 'Liberation Sans',
    file: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  },
];

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Pixel scale relative to the SVG size. Default 2 (sharp on high-DPI screens). */
  scale?: number;
  /** Background colour. Default white (Vega's SVG is transparent outside the chart). */
  background?: string;
}

/** resvg options: white background, `scale`× zoom, system fonts with DejaVu Sans as sans-serif. */
export function resvgOptions(options: PngOptions = {}): ResvgRenderOptions {
  const font = FONT_CANDIDATES.find((f) => existsSync(f.file));
  return {
    background: options.background ?? 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      loadSystemFonts: true,
      ...(font
        ? { fontFiles: [font.file], defaultFontFamily: font.family, sansSerifFamily: font.family }
        : {}),
    },
  };
}

/** Rasterizes an SVG string to PNG bytes with resvg. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  return new Resvg(svg, resvgOptions(options)).render().asPng();
}
