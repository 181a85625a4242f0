/** Reading a medslip ONNX file: its bytes and its checked metadata (./metadata.ts). */
import { readFile } from 'node:fs/promises';
import { decodeModel } from './proto.ts';
import { parseMetadata, type OnnxModelMetadata } from './metadata.ts';

/**
 * @throws Error naming the file when it cannot be read, is not an ONNX model, or lacks medslip's metadata.
 */
export async function readModelFile(file: string): Promise<{ bytes: Buffer; metadata: OnnxModelMetadata }> {
  const bytes = await readFile(file).catch((error: unknown) => {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new Error(`${file}: cannot read the ONNX model (${code ?? message})`);
  });
  return { bytes, metadata: parseMetadata(decodeModel(bytes, file).metadataProps ?? [], file) };
}
