import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Webhook secrets must be kept (signing needs the secret itself, a hash would not do), so they are stored encrypted
 * with AES-256-GCM: a copy of the database alone does not reveal them. The key comes from ACCORD_SECRET_KEY (any
 * string, hashed to 32 bytes; every instance on one database needs the same one), or else from `secret.key` in the
 * data directory, created on first use.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export function createSecretBox(keyOf: () => Buffer): SecretBox {
  const key = () => {
    const k = keyOf();
    if (k.length !== 32) throw new Error('secret box key must be 32 bytes');
    return k;
  };
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key(), iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1.${iv.toString('base64')}.${cipher.getAuthTag().toString('base64')}.${data.toString('base64')}`;
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== 'v1' || iv === undefined || tag === undefined || data === undefined)
        throw new Error('sealed secret: unknown format');
      const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

export function secretKeyFromEnv(env: NodeJS.ProcessEnv, dataDir: string): Buffer {
  const configured = env['ACCORD_SECRET_KEY'];
  if (configured !== undefined && configured !== '') return createHash('sha256').update(configured).digest();
  const file = join(dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
      chmodSync(file, 0o600);
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file}: expected 32 bytes in base64`);
  return key;
}
