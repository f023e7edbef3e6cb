/**
 * Reading JSON request bodies and writing JSON answers with node:http. A body is read
 * with a size cap and parsed into a value or a failure: client input never throws.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiError } from './api-error.js';
import type { ApiResponse } from './api-error.js';

/** Far above any settings document; a note is at most 8 KiB of text. */
export const MAX_BODY_BYTES = 64 * 1024;

export type BodyResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly response: ApiResponse };

export async function readJsonBody(req: IncomingMessage): Promise<BodyResult> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    drain(req);
    return { ok: false, response: apiError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json') };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      drain(req);
      return { ok: false, response: apiError('BODY_TOO_LARGE', `the body is larger than ${MAX_BODY_BYTES} bytes`) };
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: false, response: apiError('INVALID_JSON', 'the request needs a JSON body') };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: apiError('INVALID_JSON', 'the body is not valid JSON') };
  }
}

/** Discards the rest of a body we refuse, so the connection can be reused. */
function drain(req: IncomingMessage): void {
  req.resume();
}

export function writeJson(res: ServerResponse, response: ApiResponse): void {
  const text = JSON.stringify(response.body);
  res.writeHead(response.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...response.headers,
  });
  res.end(text);
}

export function writeText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Streams a file with its known size. The file may vanish between the lookup and the read
 * (deleted meanwhile): before anything is sent that is a 404, after it the connection is cut.
 */
export function writeFile(res: ServerResponse, file: { status: number; contentType: string; path: string; size: number }): Promise<void> {
  return new Promise((resolve) => {
    const stream = createReadStream(file.path);
    stream.once('open', () => {
      res.writeHead(file.status, { 'content-type': file.contentType, 'content-length': file.size, 'cache-control': 'no-store' });
      stream.pipe(res);
    });
    stream.once('error', () => {
      if (!res.headersSent) writeJson(res, apiError('MESSAGE_NOT_FOUND', 'the file is gone'));
      else res.destroy();
      resolve();
    });
    res.once('close', () => {
      stream.destroy();
      resolve();
    });
  });
}
