/**
 * Public API of plotting (what the CLI and the runner call): figures from frames or records,
 * the HTML report, and frame writing. Never imports TF.js.
 */

export { writeFrames } from '../results/io.ts';
export { FIGURES, type FigureDef, figureIds, getFigure } from './figures.ts';
export { LABELS, label } from './labels.ts';
export { buildFigures, type PlotFormat, type PlotOptions, plotExperiment } from './plot.ts';
export { compileSpec, renderSvg, svgToPng } from './render.ts';
export { type ReportOptions, writeReport } from './report.ts';
