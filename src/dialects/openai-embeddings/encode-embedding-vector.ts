/**
 * A vector as `encoding_format: base64` sends it: its values as little-endian 32-bit floats, in
 * base64 (what the official SDKs ask for by default and decode).
 */
export function encodeEmbeddingBase64(vector: number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (const [index, value] of vector.entries()) bytes.writeFloatLE(value, index * 4);
  return bytes.toString('base64');
}
