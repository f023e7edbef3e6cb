/**
 * The object a small side file holds (groups.json, LOCK): undefined when the text is not
 * JSON or not an object, which is how a damaged or foreign file shows; never an exception.
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
}
