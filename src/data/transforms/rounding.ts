/**
 * Round half to even: Python's round() (torchvision's crop sizes) and OpenCV's cvRound / saturate_cast (lrint in
 * the default rounding mode), which the transforms must repeat to land on the same pixels.
 */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
