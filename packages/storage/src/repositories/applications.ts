import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../database/schema.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

export interface ApplicationRow {
  id: string;
  name: string;
  branding: Record<string, unknown>;
  webhookSecretEnc: string;
  createdAt: Date;
}

export async function insertApplication(
  db: Executor,
  app: { id: string; name: string; webhookSecretEnc: string; now: number },
): Promise<void> {
  await db
    .insertInto('applications')
    .values({
      id: app.id,
      name: app.name,
      branding: '{}',
      webhook_secret_enc: app.webhookSecretEnc,
      created_at: app.now,
    })
    .execute();
}

export async function findApplication(db: Executor, id: string): Promise<ApplicationRow | undefined> {
  const r = await db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toApplication(r);
}

export async function listApplications(db: Executor): Promise<ApplicationRow[]> {
  const rows = await db.selectFrom('applications').selectAll().orderBy('id').execute();
  return rows.map(toApplication);
}

export async function updateApplication(
  db: Executor,
  id: string,
  change: { name?: string; branding?: Record<string, unknown> },
): Promise<ApplicationRow | undefined> {
  const set = {
    ...(change.name !== undefined && { name: change.name }),
    ...(change.branding !== undefined && { branding: JSON.stringify(change.branding) }),
  };
  if (Object.keys(set).length) await db.updateTable('applications').set(set).where('id', '=', id).execute();
  return findApplication(db, id);
}

function toApplication(r: DB['applications']): ApplicationRow {
  return {
    id: r.id,
    name: r.name,
    branding: JSON.parse(r.branding),
    webhookSecretEnc: r.webhook_secret_enc,
    createdAt: new Date(Number(r.created_at)),
  };
}
