/**
 * A finding's heatmap as an RGBA overlay of width × height: the token grid divided by its maximum (as every
 * medslip heatmap), upsampled bilinearly (as `predict`'s overlays), jet-coloured, transparent below `threshold`.
 */
import { groundingHeatmap } from '../../models/grounding.ts';
import { jet } from '../../viz/colormap.ts';

export function heatmapOverlay(grid: Float32Array, gridSize: [number, number], width: number, height: number, threshold: number): Uint8ClampedArray<ArrayBuffer> {
  const [rows, columns] = gridSize;
  const heat = groundingHeatmap({ data: grid, width: columns, height: rows }, { width, height }, 'bilinear');
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < heat.length; p++) {
    if (heat[p] < threshold) continue; // transparent
    jet(heat[p], rgba, 4 * p);
    rgba[4 * p + 3] = 255;
  }
  return rgba;
}
