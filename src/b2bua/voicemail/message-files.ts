/**
 * Where a mailbox's audio lives: `<dir>/<user folder>/<message id>.wav` for messages and
 * `<dir>/<user folder>/greeting-<id>.wav` for recorded greetings. The user id is encoded
 * into one safe path segment, and only file names of our own making (FILE_NAME) are ever
 * joined to it, so a stored name can never point outside the mailbox.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageFile } from './voicemail-types.js';

const FILE_NAME = /^(?:m|greeting)-[0-9a-z]+-[0-9a-f]+\.wav$/;

export class MessageFiles {
  constructor(private readonly dir: string) {}

  folder(userId: string): string {
    return join(this.dir, encodeURIComponent(userId).replace(/^\.+/, (dots) => '%2E'.repeat(dots.length)));
  }

  /** Creates the user's folder. */
  async prepare(userId: string): Promise<string> {
    const folder = this.folder(userId);
    await mkdir(folder, { recursive: true });
    return folder;
  }

  /** The path of one of our file names, or undefined for a name we did not make. */
  pathOf(userId: string, file: string): string | undefined {
    return FILE_NAME.test(file) ? join(this.folder(userId), file) : undefined;
  }

  async describe(userId: string, file: string): Promise<MessageFile | undefined> {
    const path = this.pathOf(userId, file);
    if (!path) return undefined;
    try {
      const s = await stat(path);
      return s.isFile() ? { path, size: s.size } : undefined;
    } catch {
      return undefined;
    }
  }

  async remove(userId: string, file: string): Promise<void> {
    const path = this.pathOf(userId, file);
    if (path) await rm(path, { force: true });
  }
}

/** A new id: time-ordered (base 36 epoch ms), then random, e.g. `m-lx2k3j9a-3f9c2b1e`. */
export function newFileId(kind: 'm' | 'greeting', epochMs: number): string {
  return `${kind}-${Math.max(0, Math.floor(epochMs)).toString(36)}-${randomBytes(4).toString('hex')}`;
}
