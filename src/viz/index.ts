/** Plots (PNG, drawn as SVG and rasterised with sharp), heatmap overlays and progress reporting. */
export { lossCurvePng, lossCurveSvg, type Series, type LossCurveOptions } from './loss-curve.ts';
export { rocCurvesPng, rocCurvesSvg, type NamedRocCurve, type RocPlotOptions } from './roc.ts';
export { heatmapFigurePng, heatmapOverlayPng, heatmapOverlayRgb, type RasterImage, type Grid, type Box, type OverlayOptions, type FigureOptions } from './heatmap.ts';
export { jet } from './colormap.ts';
export { progressBar, type ProgressBar, type ProgressOptions, type ProgressMetrics, type ProgressStream } from './progress.ts';
