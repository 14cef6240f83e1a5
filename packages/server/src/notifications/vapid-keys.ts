import webpush from 'web-push';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import type { SecretBox } from './secret-box.ts';

export interface VapidKeys {
  readonly publicKey: string;
  readonly privateKey: string;
}

/**
 * The server's VAPID key pair (web push), generated once and kept in `server_keys`: the public half in clear (browsers
 * subscribe with it), the private half sealed by the secret box like webhook secrets, so a copy of the database alone
 * cannot sign pushes. Instances racing at first start insert once; every one then reads the same pair.
 */
export function createVapidKeys({ db, clock, secrets }: { db: Db; clock: Clock; secrets: SecretBox }) {
  let cached: Promise<VapidKeys> | undefined;
  async function load(): Promise<VapidKeys> {
    const read = () =>
      db.selectFrom('server_keys').selectAll().where('name', '=', 'vapid').executeTakeFirst();
    let row = await read();
    if (row === undefined) {
      const fresh = webpush.generateVAPIDKeys();
      await db
        .insertInto('server_keys')
        .values({
          name: 'vapid',
          public_key: fresh.publicKey,
          private_key_enc: secrets.seal(fresh.privateKey),
          created_at: clock.nowMs(),
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      row = await read();
      if (row === undefined) throw new Error('VAPID keys: not stored');
    }
    return { publicKey: row.public_key, privateKey: secrets.open(row.private_key_enc) };
  }
  return {
    get(): Promise<VapidKeys> {
      cached ??= load().catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
  };
}

export type VapidKeyStore = ReturnType<typeof createVapidKeys>;
